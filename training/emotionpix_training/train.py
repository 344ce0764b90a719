"""Train an ExpressionNet with checkpoints every epoch and automatic resume.

    python -m emotionpix_training.train --train TRAIN.npz --val VAL.npz \\
        --run-dir ~/.cache/emotionpix/runs/vgg-a [--epochs 60] [--seed 0]

Re-running the same command continues from ``RUN_DIR/last.pt`` (a stopped run loses at most
the epoch in progress); the run's hyper-parameters are fixed by its first start
(``RUN_DIR/config.json``). Every epoch appends a line to ``RUN_DIR/epochs.jsonl``;
``RUN_DIR/best.pt`` holds the EMA weights with the best validation accuracy; with
``--keep-epochs`` every epoch's EMA weights are kept too (``RUN_DIR/epochs/NNN.pt``, for an
average of the last epochs' weights: ``export`` given several checkpoints). A command
started twice by mistake is harmless: only one process trains in a run directory at a time
(``RUN_DIR/lock``); the other stops at once.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import fcntl
import json
import math
import os
import random
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import torch
import torch.nn.functional as F
from torch import nn

from emotionpix.core.emotions import EMOTIONS
from emotionpix.emotion.classifier import to_model_input
from emotionpix.emotion.evaluate import metrics
from emotionpix.emotion.runtime import run_batched
from emotionpix_training.augment import AugmentConfig, CameraConfig, augment, camera
from emotionpix_training.data import load_dataset
from emotionpix_training.model import ExpressionNet, count_parameters
from emotionpix_training.warmstart import init_weights


@dataclass
class TrainConfig:
    epochs: int = 60
    batch_size: int = 128
    lr: float = 0.05
    weight_decay: float = 5e-4
    warmup_epochs: float = 2.0
    label_smoothing: float = 0.1
    class_weight_power: float = 0.5  # loss weight ~ (1 / class frequency) ** power
    ema_decay: float = 0.999
    seed: int = 0
    widths: tuple[int, int, int, int] = (32, 64, 128, 256)
    bf16: bool = True
    augment: AugmentConfig = field(default_factory=AugmentConfig)
    init: str | None = None  # start from this exported .onnx or checkpoint .pt
    teacher: str | None = None  # exported model whose probabilities are soft targets
    distill: float = 0.0  # weight of the teacher's soft targets in the loss (0..1)
    # The teacher answers every augmented batch as the student sees it (before the camera
    # corruptions), instead of once per clean training image.
    online_teacher: bool = False
    camera: CameraConfig | None = None  # camera corruptions on top of ``augment``
    keep_epochs: bool = False  # keep every epoch's EMA weights in RUN_DIR/epochs/

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        data = dict(data)
        data["widths"] = tuple(data["widths"])
        aug = dict(data.pop("augment"))
        aug["erase_area"] = tuple(aug["erase_area"])
        cam: dict[str, Any] | None = data.pop("camera", None)
        if cam is not None:  # JSON gave lists where the config holds (low, high) pairs
            cam = {k: tuple(v) if isinstance(v, list) else v for k, v in cam.items()}
        return cls(
            **data,
            augment=AugmentConfig(**aug),
            camera=None if cam is None else CameraConfig(**cam),
        )


def to_tensor(images: np.ndarray) -> torch.Tensor:
    """uint8 [N, 48, 48] -> float [N, 1, 48, 48] in [-1, 1] (the app's normalisation)."""
    return torch.from_numpy(to_model_input(images))


def lr_at(step: int, total: int, warmup: int, peak: float) -> float:
    """Linear warm-up, then cosine decay to zero."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return peak * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def class_weights(labels: np.ndarray, power: float) -> torch.Tensor:
    counts = np.bincount(labels, minlength=len(EMOTIONS)).astype(np.float64)
    weights = (counts.sum() / np.maximum(counts, 1)) ** power
    return torch.tensor(weights / weights.mean(), dtype=torch.float32)


@torch.no_grad()
def update_ema(ema: nn.Module, model: nn.Module, decay: float) -> None:
    for target, source in zip(ema.parameters(), model.parameters(), strict=True):
        target.mul_(decay).add_(source.detach(), alpha=1 - decay)
    for target_buffer, source_buffer in zip(ema.buffers(), model.buffers(), strict=True):
        target_buffer.copy_(source_buffer)


@torch.no_grad()
def predict_logits(model: nn.Module, x: torch.Tensor, batch: int = 512) -> torch.Tensor:
    """The model's logits for ``x`` (on the CPU), run in batches on the model's device."""
    model.eval()
    device = next(model.parameters()).device
    outs = [
        model(x[i : i + batch].to(device).contiguous(memory_format=torch.channels_last)).cpu()
        for i in range(0, len(x), batch)
    ]
    return torch.cat(outs).float()


def validate(model: nn.Module, x: torch.Tensor, y: np.ndarray) -> dict[str, Any]:
    logits = predict_logits(model, x)
    loss = F.cross_entropy(logits, torch.from_numpy(y)).item()
    report = metrics(y, logits.argmax(1).numpy(), EMOTIONS)
    return {
        "val_loss": round(loss, 4),
        "val_acc": report["accuracy"],
        "val_macro_f1": report["macro_f1"],
        "val_recall": {k: v["recall"] for k, v in report["per_class"].items()},
    }


def teacher_probabilities(teacher: Path, x: torch.Tensor, run_dir: Path) -> torch.Tensor:
    """The teacher's probabilities for every (unaugmented) training image, computed once per
    run with ONNX Runtime and kept in ``RUN_DIR/teacher.npy``. A flip-averaged teacher gives
    the same targets to an image and its mirror, so they stay right under flip augmentation;
    the other augmentations are small enough for the clean image's targets to hold."""
    cache = run_dir / "teacher.npy"
    if not cache.exists():
        session = ort.InferenceSession(str(teacher), providers=["CPUExecutionProvider"])
        probs = run_batched(session, x.numpy(), batch=512)
        np.save(cache, probs.astype(np.float32))
    return torch.from_numpy(np.load(cache))


class OnlineTeacher:
    """The teacher's probabilities for each augmented batch, as the student sees it: the
    targets follow every shift, zoom, rotation and erased patch, which a clean image's
    answer cannot. Costs one teacher pass per batch (ONNX Runtime, int8 graphs welcome)."""

    def __init__(self, teacher: Path, threads: int):
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(
            str(teacher), options, providers=["CPUExecutionProvider"]
        )
        self.name = self.session.get_inputs()[0].name

    def __call__(self, batch: torch.Tensor) -> torch.Tensor:
        (probs,) = self.session.run(None, {self.name: batch.numpy().astype(np.float32, copy=False)})
        return torch.from_numpy(probs)


def _save(path: Path, state: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)  # atomic: a kill mid-write never corrupts the checkpoint


@contextlib.contextmanager
def _only_process(run_dir: Path) -> Iterator[None]:
    """Hold ``RUN_DIR/lock`` for the whole run: a second process started on the same run
    directory (a command run twice) stops at once instead of interleaving its checkpoints
    and log lines with the first. The operating system releases the lock if the run dies."""
    with (run_dir / "lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(f"another process is training in {run_dir}") from None
        yield


def train(
    train_path: Path,
    val_path: Path,
    run_dir: Path,
    config: TrainConfig,
    threads: int = 2,
    max_epochs_now: int | None = None,
    device: str = "cpu",
) -> dict[str, Any]:
    """Train (or resume) the run in ``run_dir`` on ``device`` (``cpu``, or ``cuda`` where
    PyTorch has a GPU; data, augmentation and an online teacher stay on the CPU); returns
    the best validation metrics. Raises RuntimeError while another process trains in
    ``run_dir``."""
    run_dir.mkdir(parents=True, exist_ok=True)
    with _only_process(run_dir):
        return _train(
            train_path, val_path, run_dir, config, threads, max_epochs_now, torch.device(device)
        )


def _train(
    train_path: Path,
    val_path: Path,
    run_dir: Path,
    config: TrainConfig,
    threads: int,
    max_epochs_now: int | None,
    device: torch.device,
) -> dict[str, Any]:
    config_file = run_dir / "config.json"
    if config_file.exists():
        config = TrainConfig.from_dict(json.loads(config_file.read_text()))
    else:
        config_file.write_text(json.dumps(asdict(config), indent=2))
    torch.set_num_threads(threads)
    torch.manual_seed(config.seed)
    random.seed(config.seed)
    np.random.seed(config.seed)

    x_train, y_train = load_dataset(train_path)
    x_val, y_val = load_dataset(val_path)
    xt, yt = to_tensor(x_train), torch.from_numpy(y_train)
    xv = to_tensor(x_val)

    model = ExpressionNet(config.widths).to(memory_format=torch.channels_last)  # type: ignore[call-overload]
    ema = copy.deepcopy(model).requires_grad_(False)
    last = run_dir / "last.pt"
    state = torch.load(last, weights_only=False, map_location="cpu") if last.exists() else None
    if state is not None:
        model.load_state_dict(state["model"])
        ema.load_state_dict(state["ema"])
    elif config.init:
        init_weights(model, Path(config.init), xt[:2048])
        ema.load_state_dict(model.state_dict())
    model.to(device)
    ema.to(device)
    optimizer = torch.optim.SGD(
        model.parameters(),
        lr=config.lr,
        momentum=0.9,
        nesterov=True,
        weight_decay=config.weight_decay,
    )
    criterion = nn.CrossEntropyLoss(
        weight=class_weights(y_train, config.class_weight_power).to(device),
        label_smoothing=config.label_smoothing,
    )
    soft = online = None
    if config.teacher and config.online_teacher:
        online = OnlineTeacher(Path(config.teacher), threads)
    elif config.teacher:
        soft = teacher_probabilities(Path(config.teacher), xt, run_dir)
    steps_per_epoch = len(xt) // config.batch_size
    total = steps_per_epoch * config.epochs
    warmup = int(steps_per_epoch * config.warmup_epochs)
    start_epoch, step, best = 0, 0, {"val_acc": -1.0}

    if state is not None:
        optimizer.load_state_dict(state["optimizer"])  # its buffers follow the parameters
        start_epoch, step, best = state["epoch"] + 1, state["step"], state["best"]
        if "torch_rng" in state:  # dropout draws from the global generator (CPU runs)
            torch.set_rng_state(state["torch_rng"])
        print(f"resuming {run_dir} at epoch {start_epoch + 1}/{config.epochs}", flush=True)
    else:
        print(
            f"new run {run_dir} on {device}: {count_parameters(model):,} parameters, "
            f"{len(xt)} training / {len(xv)} validation images",
            flush=True,
        )

    end_epoch = (
        config.epochs
        if max_epochs_now is None
        else min(config.epochs, start_epoch + max_epochs_now)
    )
    for epoch in range(start_epoch, end_epoch):
        started = time.time()
        gen = torch.Generator().manual_seed(config.seed * 100_003 + epoch)
        order = torch.randperm(len(xt), generator=gen)
        model.train()
        seen = correct = 0
        loss_sum = 0.0
        for i in range(steps_per_epoch):
            idx = order[i * config.batch_size : (i + 1) * config.batch_size]
            xb = augment(xt[idx], gen, config.augment)
            targets = online(xb) if online is not None else soft[idx] if soft is not None else None
            if config.camera is not None:
                xb = camera(xb, gen, config.camera)
            xb = xb.to(device).contiguous(memory_format=torch.channels_last)
            yb = yt[idx].to(device)
            targets = None if targets is None else targets.to(device)
            for group in optimizer.param_groups:
                group["lr"] = lr_at(step, total, warmup, config.lr)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=config.bf16):
                logits = model(xb)
            loss = criterion(logits.float(), yb)
            if targets is not None:
                distill = F.kl_div(
                    F.log_softmax(logits.float(), dim=1), targets, reduction="batchmean"
                )
                loss = (1 - config.distill) * loss + config.distill * distill
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            update_ema(ema, model, min(config.ema_decay, (1 + step) / (10 + step)))
            step += 1
            seen += len(yb)
            loss_sum += loss.item() * len(yb)
            correct += int((logits.argmax(1) == yb).sum())
        record = {
            "epoch": epoch + 1,
            "lr": round(lr_at(step - 1, total, warmup, config.lr), 6),
            "train_loss": round(loss_sum / seen, 4),
            "train_acc": round(correct / seen, 4),
            **validate(ema, xv, y_val),
        }
        record["seconds"] = round(time.time() - started, 1)
        with (run_dir / "epochs.jsonl").open("a") as log:
            log.write(json.dumps(record) + "\n")
        print(json.dumps(record), flush=True)
        weights = {"ema": ema.state_dict(), "config": asdict(config), "metrics": record}
        if record["val_acc"] > best["val_acc"]:
            best = {k: record[k] for k in ("epoch", "val_acc", "val_macro_f1", "val_loss")}
            _save(run_dir / "best.pt", weights)
        if config.keep_epochs:
            (run_dir / "epochs").mkdir(exist_ok=True)
            _save(run_dir / "epochs" / f"{epoch + 1:03d}.pt", weights)
        _save(
            last,
            {
                "model": model.state_dict(),
                "ema": ema.state_dict(),
                "optimizer": optimizer.state_dict(),
                "epoch": epoch,
                "step": step,
                "best": best,
                "torch_rng": torch.get_rng_state(),
            },
        )
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True, help="npz, csv or folder")
    parser.add_argument("--val", type=Path, required=True, help="npz, csv or folder")
    parser.add_argument("--run-dir", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=TrainConfig.epochs)
    parser.add_argument("--batch-size", type=int, default=TrainConfig.batch_size)
    parser.add_argument("--lr", type=float, default=TrainConfig.lr)
    parser.add_argument("--seed", type=int, default=TrainConfig.seed)
    parser.add_argument("--widths", type=int, nargs=4, default=list(TrainConfig.widths))
    parser.add_argument(
        "--class-weight-power",
        type=float,
        default=TrainConfig.class_weight_power,
        help="loss weight ~ (1 / class frequency) ** POWER; 0 = unweighted",
    )
    parser.add_argument("--warmup-epochs", type=float, default=TrainConfig.warmup_epochs)
    parser.add_argument(
        "--init", type=Path, default=None, help="start from an exported .onnx or a .pt checkpoint"
    )
    parser.add_argument(
        "--teacher", type=Path, default=None, help="exported model giving soft targets"
    )
    parser.add_argument(
        "--distill",
        type=float,
        default=0.5,
        help="with --teacher: weight of the soft targets in the loss (default 0.5)",
    )
    parser.add_argument(
        "--online-teacher",
        action="store_true",
        help="with --teacher: the teacher answers every augmented batch (not clean images once)",
    )
    parser.add_argument(
        "--camera",
        action="store_true",
        help="camera corruptions (low light, blur, noise, JPEG) on top of the augmentation",
    )
    parser.add_argument(
        "--keep-epochs",
        action="store_true",
        help="keep every epoch's EMA weights (RUN_DIR/epochs/NNN.pt)",
    )
    parser.add_argument("--no-bf16", action="store_true", help="train in float32")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--device",
        default="cpu",
        help="where the network trains: cpu, or cuda where PyTorch has a GPU (data, "
        "augmentation and an online teacher stay on the CPU, with --threads)",
    )
    parser.add_argument(
        "--max-epochs-now",
        type=int,
        default=None,
        help="stop after this many epochs (resume later)",
    )
    args = parser.parse_args()
    config = TrainConfig(
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        seed=args.seed,
        widths=tuple(args.widths),
        class_weight_power=args.class_weight_power,
        bf16=not args.no_bf16,
        warmup_epochs=args.warmup_epochs,
        # As given: run from the repository root, the recorded paths stay relative.
        init=str(args.init.expanduser()) if args.init else None,
        teacher=str(args.teacher.expanduser()) if args.teacher else None,
        distill=args.distill if args.teacher else 0.0,
        online_teacher=args.online_teacher and args.teacher is not None,
        camera=CameraConfig() if args.camera else None,
        keep_epochs=args.keep_epochs,
    )
    best = train(
        args.train,
        args.val,
        args.run_dir.expanduser(),
        config,
        args.threads,
        args.max_epochs_now,
        args.device,
    )
    print(f"best: {json.dumps(best)}")


if __name__ == "__main__":
    main()
