"""The training package on tiny synthetic data: loaders, augmentation, a run that is stopped
and resumed, and the ONNX export."""

import hashlib
import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

torch = pytest.importorskip(
    "torch"
)  # the suite installs it (the training/ distribution); see README
onnx = pytest.importorskip("onnx")

from emotionpix.core.emotions import EMOTIONS  # noqa: E402
from emotionpix.emotion.classifier import ExpressionClassifier, to_model_input  # noqa: E402
from emotionpix.emotion.registry import ModelSpec  # noqa: E402
from emotionpix_training.augment import (  # noqa: E402
    AugmentConfig,
    CameraConfig,
    augment,
    camera,
    gaussian_blur,
    jpeg_roundtrip,
)
from emotionpix_training.calibration import (  # noqa: E402
    expected_calibration_error,
    fit_temperature,
    softmax,
)
from emotionpix_training.data import load_dataset, selection_split  # noqa: E402
from emotionpix_training.ensemble import build, extract_member, zoom_matrix  # noqa: E402
from emotionpix_training.ensemble import run as run_onnx  # noqa: E402
from emotionpix_training.export import export, load_net  # noqa: E402
from emotionpix_training.model import ExpressionNet  # noqa: E402
from emotionpix_training.train import OnlineTeacher, TrainConfig, to_tensor, train  # noqa: E402
from emotionpix_training.warmstart import init_weights, load_exported, widen  # noqa: E402

pytestmark = pytest.mark.training


def synthetic(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """48x48 images whose brightest band's position encodes the label (learnable quickly)."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 7
    x = rng.integers(0, 60, (n, 48, 48)).astype(np.uint8)
    for i, label in enumerate(y):
        x[i, label * 6 : label * 6 + 6, :] = 230
    return x, y


@pytest.fixture
def npz_pair(tmp_path):
    for name, (n, seed) in {"train": (224, 0), "val": (70, 1)}.items():
        x, y = synthetic(n, seed)
        np.savez(tmp_path / f"{name}.npz", x=x, y=y.astype(np.uint8))
    return tmp_path / "train.npz", tmp_path / "val.npz"


def test_npz_csv_and_folder_loaders_agree(tmp_path):
    x, y = synthetic(14)
    np.savez(tmp_path / "d.npz", x=x, y=y)
    rows = ["emotion,pixels,Usage"] + [
        f"{label},{' '.join(map(str, img.ravel()))},{'Training' if i < 10 else 'PublicTest'}"
        for i, (img, label) in enumerate(zip(x, y, strict=True))
    ]
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n")
    for i, (img, label) in enumerate(zip(x, y, strict=True)):
        folder = (
            tmp_path
            / "folders"
            / ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"][label]
        )
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(img).save(folder / f"{i}.png")

    xn, yn = load_dataset(tmp_path / "d.npz")
    xc, yc = load_dataset(tmp_path / "d.csv", usage="Training")
    xf, yf = load_dataset(tmp_path / "folders")
    assert xn.shape == (14, 48, 48)
    assert xn.dtype == np.uint8
    assert np.array_equal(yn, y)
    assert np.array_equal(xc, x[:10])
    assert np.array_equal(yc, y[:10])
    assert sorted(yf.tolist()) == sorted(y.tolist())
    assert {img.tobytes() for img in xf} == {img.tobytes() for img in x}


def test_loaders_reject_bad_data(tmp_path):
    np.savez(tmp_path / "bad.npz", x=np.zeros((3, 32, 32), np.uint8), y=np.zeros(3))
    with pytest.raises(ValueError, match=r"\[N, 48, 48\]"):
        load_dataset(tmp_path / "bad.npz")
    with pytest.raises(ValueError, match="expected"):
        load_dataset(tmp_path / "data.txt")


def test_augmentation_keeps_shape_and_range_and_is_reproducible():
    x = to_tensor(synthetic(16)[0])
    one = augment(x, torch.Generator().manual_seed(3))
    two = augment(x, torch.Generator().manual_seed(3))
    assert one.shape == x.shape == (16, 1, 48, 48)
    assert one.min() >= -1
    assert one.max() <= 1
    assert torch.equal(one, two)
    assert not torch.equal(one, x)


def test_flip_only_augmentation_mirrors_exactly():
    x = to_tensor(synthetic(8)[0])
    flip_all = AugmentConfig(
        rotation_deg=0, scale=0, shift=0, flip=1.0, brightness=0, contrast=0, erase=0
    )
    out = augment(x, torch.Generator().manual_seed(0), flip_all)
    assert torch.allclose(out, torch.flip(x, dims=[3]), atol=1e-5)


def test_the_selection_split_is_stratified_disjoint_and_fixed_by_its_seed():
    labels = np.repeat(np.arange(7), [400, 44, 410, 722, 483, 317, 496])
    train_part, selection = selection_split(labels, 0.1, seed=5)
    assert np.intersect1d(train_part, selection).size == 0
    assert np.union1d(train_part, selection).tolist() == list(range(len(labels)))
    assert np.bincount(labels[selection]).tolist() == [40, 4, 41, 72, 48, 32, 50]
    again, _ = selection_split(labels, 0.1, seed=5)
    assert np.array_equal(again, train_part)
    other, _ = selection_split(labels, 0.1, seed=6)
    assert not np.array_equal(other, train_part)
    with pytest.raises(ValueError, match="between 0 and 1"):
        selection_split(labels, 1.0, seed=5)


def test_the_split_command_writes_both_parts(tmp_path):
    x, y = synthetic(140)
    np.savez(tmp_path / "all.npz", x=x, y=y)
    out = tmp_path / "split"
    command = [sys.executable, "-m", "emotionpix_training.data", "split"]
    subprocess.run(
        [*command, str(tmp_path / "all.npz"), "--out-dir", str(out), "--fraction", "0.2"],
        check=True,
        capture_output=True,
    )
    (xt, _), (xs, ys) = load_dataset(out / "train.npz"), load_dataset(out / "selection.npz")
    assert (len(xt), len(xs)) == (112, 28)
    assert np.bincount(ys).tolist() == [4] * 7
    rows = {row.tobytes() for row in x}
    assert {row.tobytes() for row in np.concatenate([xt, xs])} == rows


def test_each_camera_corruption_changes_the_picture_and_keeps_the_range():
    x = to_tensor(synthetic(64)[0])
    off = {"blur": 0.0, "noise": 0.0, "light": 0.0, "jpeg": 0.0}
    assert torch.equal(camera(x, torch.Generator().manual_seed(0), CameraConfig(**off)), x)
    for name in off:
        only = CameraConfig(**{**off, name: 1.0})
        out = camera(x, torch.Generator().manual_seed(0), only)
        assert out.shape == x.shape
        assert out.min() >= -1
        assert out.max() <= 1
        changed = (out - x).abs().flatten(1).amax(1) > 1e-3
        assert bool(changed.all()), name
    twice = [camera(x, torch.Generator().manual_seed(9)) for _ in range(2)]
    assert torch.equal(*twice)


def test_blur_keeps_the_mean_and_softens_edges_and_jpeg_is_lossy_but_close():
    x = to_tensor(synthetic(4)[0])
    blurred = gaussian_blur(x, torch.full((4,), 1.2))
    assert torch.allclose(blurred.mean((1, 2, 3)), x.mean((1, 2, 3)), atol=0.02)
    edge = lambda t: (t[..., 1:, :] - t[..., :-1, :]).abs().amax()  # noqa: E731
    assert edge(blurred) < 0.6 * edge(x)
    saved = jpeg_roundtrip(x[0], 30)
    assert saved.shape == x[0].shape
    assert 0 < (saved - x[0]).abs().mean() < 0.1


TINY = TrainConfig(epochs=3, batch_size=32, lr=0.05, warmup_epochs=0.5, widths=(4, 8, 8, 8))


def test_a_stopped_run_resumes_to_the_same_result(npz_pair, tmp_path):
    train_npz, val_npz = npz_pair
    whole = train(train_npz, val_npz, tmp_path / "whole", TINY, threads=1)
    train(train_npz, val_npz, tmp_path / "parts", TINY, threads=1, max_epochs_now=1)
    assert len((tmp_path / "parts" / "epochs.jsonl").read_text().splitlines()) == 1
    resumed = train(train_npz, val_npz, tmp_path / "parts", TINY, threads=1)
    assert resumed == whole

    def log(run):
        lines = (tmp_path / run / "epochs.jsonl").read_text().splitlines()
        return [{k: v for k, v in json.loads(line).items() if k != "seconds"} for line in lines]

    assert log("parts") == log("whole")
    assert [r["epoch"] for r in log("whole")] == [1, 2, 3]
    assert {
        "train_loss",
        "train_acc",
        "val_loss",
        "val_acc",
        "val_macro_f1",
        "val_recall",
        "lr",
    } <= set(log("whole")[0])
    assert log("whole")[-1]["lr"] < log("whole")[0]["lr"]
    stored = json.loads((tmp_path / "whole" / "config.json").read_text())
    assert stored["widths"] == [4, 8, 8, 8]


def test_a_second_process_on_the_same_run_is_refused(npz_pair, tmp_path):
    train_npz, val_npz = npz_pair
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    script = (
        "import fcntl, sys, time; f = open(sys.argv[1], 'w'); "
        "fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)"
    )
    # another process training in run_dir holds its lock
    with subprocess.Popen(
        [sys.executable, "-c", script, str(run_dir / "lock")], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline() == "locked\n"
            with pytest.raises(RuntimeError, match="another process is training"):
                train(train_npz, val_npz, run_dir, TINY, threads=1, max_epochs_now=1)
            assert not (run_dir / "epochs.jsonl").exists()
        finally:
            holder.kill()
    train(train_npz, val_npz, run_dir, TINY, threads=1, max_epochs_now=1)  # lock released
    assert len((run_dir / "epochs.jsonl").read_text().splitlines()) == 1


def test_export_is_calibrated_and_matches_pytorch(npz_pair, tmp_path):
    train_npz, val_npz = npz_pair
    train(train_npz, val_npz, tmp_path / "run", TINY, threads=1)
    out = tmp_path / "tiny.onnx"
    summary = export(tmp_path / "run" / "best.pt", val_npz, out)
    assert summary["onnx_torch_max_abs_diff"] < 1e-4
    assert summary["temperature"] > 0
    assert summary["nll_after"] <= summary["nll_before"]
    assert json.loads(out.with_suffix(".metrics.json").read_text())["n"] == 70

    classifier = ExpressionClassifier(ModelSpec(name="tiny", file=str(out), size=48, accuracy=0.0))
    probs = classifier.predict(synthetic(5)[0])
    assert probs.shape == (5, 7)
    assert probs.sum(1) == pytest.approx(np.ones(5), abs=1e-5)
    for batch in (1, 9):  # dynamic batch
        assert classifier.predict(synthetic(batch)[0]).shape == (batch, 7)


def test_kept_epochs_export_as_the_average_of_their_weights(npz_pair, tmp_path):
    train_npz, val_npz = npz_pair
    train(train_npz, val_npz, tmp_path / "run", replace(TINY, keep_epochs=True), threads=1)
    kept = sorted((tmp_path / "run" / "epochs").glob("*.pt"))
    assert [p.name for p in kept] == ["001.pt", "002.pt", "003.pt"]
    last = torch.load(tmp_path / "run" / "last.pt", weights_only=False)["ema"]
    states = [torch.load(p, weights_only=False)["ema"] for p in kept[1:]]
    for name, weight in last.items():  # the last kept epoch is the run's final EMA
        torch.testing.assert_close(states[-1][name], weight)

    net, epochs = load_net(kept[1:])
    assert epochs == [2, 3]
    for name, weight in net.state_dict().items():
        if weight.is_floating_point():
            torch.testing.assert_close(weight, (states[0][name] + states[1][name]) / 2)
    summary = export(kept[1:], val_npz, tmp_path / "soup.onnx")
    assert summary["checkpoint_epoch"] == [2, 3]
    assert summary["onnx_torch_max_abs_diff"] < 1e-4
    assert export(kept[0], val_npz, tmp_path / "one.onnx")["checkpoint_epoch"] == 1


def test_temperature_and_calibration_error():
    labels = np.array([0, 1] * 50)
    logits = np.zeros((100, 7))
    logits[np.arange(100), labels] = 8.0  # right but over-confident ...
    logits[:30, 2] = 9.0  # ... and wrong 30 % of the time
    assert fit_temperature(logits, labels) > 1.5
    confident = softmax(logits)
    assert expected_calibration_error(confident, labels) > 0.2
    calibrated = softmax(logits, fit_temperature(logits, labels))
    assert expected_calibration_error(calibrated, labels) < expected_calibration_error(
        confident, labels
    )


@pytest.fixture(scope="module")
def members(tmp_path_factory):
    """Two tiny models (different seeds) exported without flip, and their data."""
    root = tmp_path_factory.mktemp("members")
    for name, (n, seed) in {"train": (224, 0), "val": (70, 1)}.items():
        x, y = synthetic(n, seed)
        np.savez(root / f"{name}.npz", x=x, y=y.astype(np.uint8))
    files = []
    for seed in (0, 1):
        run_dir = root / f"run{seed}"
        train(root / "train.npz", root / "val.npz", run_dir, replace(TINY, seed=seed), threads=1)
        files.append(root / f"member{seed}.onnx")
        export(run_dir / "best.pt", root / "val.npz", files[-1], flip=False)
    return files, root / "train.npz", root / "val.npz"


def mean_log(probabilities):
    """The mean log-probability, as the ensemble graph computes it (a sure tiny model's
    float32 probabilities can reach 0, and log(0) = -inf is what the graph takes too)."""
    with np.errstate(divide="ignore"):
        return np.mean([np.log(p) for p in probabilities], axis=0)


def test_float_ensemble_is_the_calibrated_geometric_mean_of_its_members(members, tmp_path):
    files, _, val_npz = members
    out = tmp_path / "ensemble.onnx"
    summary = build(files, val_npz, out, flip=False, int8=False)
    x = to_model_input(synthetic(9, seed=3)[0])
    log_probs = mean_log([run_onnx(member, x) for member in files])
    expected = softmax(log_probs, summary["temperature"])
    np.testing.assert_allclose(run_onnx(out, x), expected, atol=1e-5)
    assert set(summary["members"]) == {"member0.onnx", "member1.onnx"}
    report = json.loads(out.with_suffix(".metrics.json").read_text())
    assert report["n"] == 70
    assert report["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()  # the graph measured


def test_int8_ensemble_averages_the_mirror_image_in_one_call(members, tmp_path):
    files, train_npz, val_npz = members
    out = tmp_path / "ensemble.onnx"
    with pytest.raises(ValueError, match="calibration"):
        build(files, val_npz, out)  # int8 needs training images for activation ranges
    summary = build(files, val_npz, out, calibration=train_npz)
    assert summary["int8"]
    assert summary["flip_average"]
    assert summary["int8_float_agreement"] > 0.9
    stored = {init.data_type for init in onnx.load(out).graph.initializer}
    assert onnx.TensorProto.INT8 in stored

    classifier = ExpressionClassifier(
        ModelSpec(name="ensemble", file=str(out), size=48, accuracy=0.0)
    )
    faces = synthetic(6, seed=4)[0]
    probs = classifier.predict(faces)
    assert probs.sum(1) == pytest.approx(np.ones(6), abs=1e-5)
    # Flip averaging inside the graph: a face and its mirror image get the same answer.
    np.testing.assert_allclose(classifier.predict(faces[:, :, ::-1].copy()), probs, atol=1e-6)
    for batch in (1, 9):
        assert classifier.predict(synthetic(batch)[0]).shape == (batch, 7)


def test_zoom_matrix_resamples_about_the_centre_and_repeats_the_edge():
    np.testing.assert_array_equal(zoom_matrix(1.0), np.eye(48))
    ramp = np.arange(48.0)  # a pixel's value is its position
    zoomed_in = zoom_matrix(1.25) @ ramp
    np.testing.assert_allclose(zoomed_in, 23.5 + (ramp - 23.5) / 1.25, atol=1e-9)
    zoomed_out = zoom_matrix(0.8) @ ramp
    np.testing.assert_allclose(zoomed_out, np.clip(23.5 + (ramp - 23.5) / 0.8, 0, 47), atol=1e-9)
    assert zoomed_out[0] == 0
    assert zoomed_out[-1] == 47


def test_zoomed_views_are_classified_in_the_same_call(members, tmp_path):
    files, _, val_npz = members
    out = tmp_path / "views.onnx"
    summary = build(files, val_npz, out, flip=True, int8=False, zooms=(1.1,))
    assert summary["views"] == 4
    assert summary["zooms"] == [1.1]
    faces = synthetic(5, seed=7)[0].astype(np.float32)
    zoom = zoom_matrix(1.1)
    views = [faces, faces[:, :, ::-1], zoom @ faces @ zoom.T, (zoom @ faces @ zoom.T)[:, :, ::-1]]
    log_probs = mean_log(
        [
            run_onnx(member, to_model_input(np.ascontiguousarray(view)))
            for member in files
            for view in views
        ]
    )
    expected = softmax(log_probs, summary["temperature"])
    np.testing.assert_allclose(run_onnx(out, to_model_input(faces)), expected, atol=1e-5)
    # the views are symmetric under mirroring, so the answer is too
    mirrored = to_model_input(np.ascontiguousarray(faces[:, :, ::-1]))
    np.testing.assert_allclose(run_onnx(out, mirrored), expected, atol=1e-5)


def test_an_exported_model_is_rebuilt_exactly_and_trains_on(members, tmp_path):
    files, train_npz, _val_npz = members
    sample = to_tensor(load_dataset(train_npz)[0])
    net = load_exported(files[0], sample)
    x = to_model_input(synthetic(9, seed=5)[0])
    temperature = _temperature(onnx.load(files[0]))
    with torch.no_grad():
        rebuilt = torch.softmax(net(torch.from_numpy(x)) / temperature, dim=1).numpy()
    np.testing.assert_allclose(rebuilt, run_onnx(files[0], x), atol=1e-5)

    # Batch statistics on the training images equal the rebuilt running statistics, so
    # train mode (dropout aside) computes what eval mode does: training starts where the
    # exported model ended instead of from a disturbed network.
    with torch.no_grad():
        expected = net(sample)
        _train_mode_without_dropout(net)
        # float32 batch statistics: logits of ~15 agree to ~1e-3, i.e. 1e-4 relative
        np.testing.assert_allclose(net(sample).numpy(), expected.numpy(), rtol=1e-4, atol=1e-3)

    with pytest.raises(ValueError, match="not an exported ExpressionNet"):
        load_exported(_not_a_net(tmp_path), sample)


def _train_mode_without_dropout(net):
    """Batch norms on batch statistics, dropout off: what training computes, minus the noise."""
    net.features.train()
    for module in net.modules():
        if isinstance(module, torch.nn.Dropout | torch.nn.Dropout2d):
            module.eval()


def _not_a_net(tmp_path):
    graph = onnx.helper.make_graph(
        [onnx.helper.make_node("Relu", ["input"], ["out"])],
        "relu",
        [onnx.helper.make_tensor_value_info("input", onnx.TensorProto.FLOAT, [1, 1, 48, 48])],
        [onnx.helper.make_tensor_value_info("out", onnx.TensorProto.FLOAT, [1, 1, 48, 48])],
    )
    path = tmp_path / "relu.onnx"
    onnx.save(onnx.helper.make_model(graph), path)
    return path


def test_a_run_can_start_from_an_exported_model_and_learn_from_a_teacher(members, tmp_path):
    files, train_npz, val_npz = members
    config = replace(TINY, epochs=1, lr=0.0, init=str(files[0]), teacher=str(files[1]), distill=0.5)
    train(train_npz, val_npz, tmp_path / "run", config, threads=1)
    # lr 0: the run's weights are the exported network's. (Not its accuracy: training mode
    # still moves the batch norms' running statistics, under dropout and augmentation.)
    trained = torch.load(tmp_path / "run" / "best.pt", weights_only=False)["ema"]
    exported = load_exported(files[0], to_tensor(load_dataset(train_npz)[0]))
    for name, weight in exported.named_parameters():
        torch.testing.assert_close(trained[name], weight.detach(), atol=1e-6, rtol=1e-6)
    teacher = np.load(tmp_path / "run" / "teacher.npy")
    x_train = to_model_input(load_dataset(train_npz)[0])
    np.testing.assert_allclose(teacher, run_onnx(files[1], x_train), atol=1e-6)
    stored = json.loads((tmp_path / "run" / "config.json").read_text())
    assert stored["init"] == str(files[0])
    assert stored["distill"] == 0.5


def test_an_online_teacher_answers_each_augmented_batch_as_the_student_sees_it(members, tmp_path):
    files, train_npz, val_npz = members
    teacher = OnlineTeacher(files[1], threads=1)
    x = to_tensor(load_dataset(train_npz)[0][:32])
    moved = augment(x, torch.Generator().manual_seed(0))
    np.testing.assert_allclose(teacher(moved).numpy(), run_onnx(files[1], moved.numpy()), atol=1e-6)
    assert not np.allclose(teacher(moved).numpy(), teacher(x).numpy(), atol=1e-3)

    config = replace(
        TINY,
        epochs=2,
        teacher=str(files[1]),
        distill=0.8,
        online_teacher=True,
        camera=CameraConfig(),
    )
    whole = train(train_npz, val_npz, tmp_path / "run", config, threads=1)
    assert not (tmp_path / "run" / "teacher.npy").exists()  # no clean-image targets
    stored = TrainConfig.from_dict(json.loads((tmp_path / "run" / "config.json").read_text()))
    assert stored == config
    train(train_npz, val_npz, tmp_path / "parts", config, threads=1, max_epochs_now=1)
    assert train(train_npz, val_npz, tmp_path / "parts", config, threads=1) == whole


def test_a_wider_network_starts_as_the_narrower_one_and_its_copies_can_grow_apart(
    members, tmp_path
):
    files, train_npz, val_npz = members
    sample = to_tensor(load_dataset(train_npz)[0])
    x = torch.from_numpy(to_model_input(synthetic(9, seed=5)[0]))
    narrow = load_exported(files[0], sample)
    with torch.no_grad():
        expected = narrow(x).numpy()
    wider = (6, 12, 16, 9)  # TINY is (4, 8, 8, 8): every stage wider, by 1 to 8 channels
    torch.manual_seed(0)
    wide = widen(narrow, wider)
    assert wide.widths == wider
    assert [m.out_channels for m in wide.modules() if isinstance(m, torch.nn.Conv2d)] == [
        6,
        6,
        12,
        12,
        16,
        16,
        16,
        9,
        9,
        9,
    ]
    with torch.no_grad():
        np.testing.assert_allclose(wide.eval()(x).numpy(), expected, atol=1e-5)
        # Train mode too (dropout aside): the copies' batch statistics are the originals'.
        for net in (narrow, wide):
            _train_mode_without_dropout(net)
        np.testing.assert_allclose(wide(sample).numpy(), narrow(sample).numpy(), atol=1e-4)
    # A copied channel's readers weigh it differently from its original, so the two get
    # different gradients: conv 1 copies conv 0's channels 4 and 5 from two of channels 0-3.
    second = wide.features[0][3].weight
    assert not any(torch.equal(second[:, 4], second[:, c]) for c in range(4))
    with pytest.raises(ValueError, match="cannot narrow"):
        widen(wide, (4, 8, 8, 8))

    # A run whose stages are wider than its --init model starts from the widened model.
    net = ExpressionNet(wider)
    init_weights(net, files[0], sample)
    with torch.no_grad():
        np.testing.assert_allclose(net.eval()(x).numpy(), expected, atol=1e-5)
    config = replace(TINY, epochs=1, widths=wider, init=str(files[0]))
    train(train_npz, val_npz, tmp_path / "wide", config, threads=1)
    state = torch.load(tmp_path / "wide" / "last.pt", weights_only=False)["ema"]
    assert state["head.1.weight"].shape == (512, 9 * 9)

    # A checkpoint (here last.pt, which records no configuration) widens the same way.
    trained = ExpressionNet(wider)
    trained.load_state_dict(state)
    wider_still = ExpressionNet((6, 12, 16, 12))
    init_weights(wider_still, tmp_path / "wide" / "last.pt", sample)
    with torch.no_grad():
        np.testing.assert_allclose(
            wider_still.eval()(x).numpy(), trained.eval()(x).numpy(), atol=1e-5
        )


def test_a_member_taken_out_of_an_int8_ensemble_can_be_rebuilt_and_trained_on(members, tmp_path):
    files, train_npz, val_npz = members
    x = to_model_input(synthetic(20, seed=6)[0])
    exact = tmp_path / "fp32.onnx"
    build(files, val_npz, exact, flip=True, int8=False)
    np.testing.assert_allclose(
        run_onnx(extract_member(onnx.load(exact), 1), x), run_onnx(files[1], x), atol=1e-5
    )

    quantized = tmp_path / "int8.onnx"
    build(files, val_npz, quantized, calibration=train_npz)
    member = extract_member(onnx.load(quantized), 0)
    ops = {node.op_type for node in member.graph.node}
    assert not ops & {"QuantizeLinear", "DequantizeLinear"}
    assert {t.data_type for t in member.graph.initializer} == {onnx.TensorProto.FLOAT}
    probs, original = run_onnx(member, x), run_onnx(files[0], x)
    assert (probs.argmax(1) == original.argmax(1)).mean() >= 0.9  # int8 weights, float math
    assert np.abs(probs - original).max() < 0.1

    # Its dense layer has batch norm folded in (one Gemm); it still rebuilds exactly.
    path = tmp_path / "member0.onnx"
    onnx.save(member, path)
    net = load_exported(path, to_tensor(load_dataset(train_npz)[0]))
    with torch.no_grad():
        logits = net(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(softmax(logits, _temperature(member)), probs, atol=1e-5)


def _temperature(model):
    return float(
        onnx.numpy_helper.to_array(
            next(t for t in model.graph.initializer if t.name.endswith("temperature"))
        )
    )


def test_robustness_sets_are_drawn_once_and_each_changes_the_faces(members):
    from emotionpix_training.robustness import CORRUPTIONS, corrupted_sets, report

    files, _, val_npz = members
    x, y = load_dataset(val_npz)
    sets = corrupted_sets(x, seed=3)
    assert list(sets) == list(CORRUPTIONS)
    np.testing.assert_array_equal(sets["clean"], to_model_input(x))
    for name, inputs in sets.items():
        assert inputs.shape == (len(x), 1, 48, 48)
        assert inputs.min() >= -1
        assert inputs.max() <= 1
        if name != "clean":
            assert not np.allclose(inputs, sets["clean"], atol=1e-3), name
    again = corrupted_sets(x, seed=3)
    assert all(np.array_equal(again[k], v) for k, v in sets.items())
    result = report(files[0], sets, y)
    clean = run_onnx(files[0], sets["clean"]).argmax(1)
    assert result["clean"]["accuracy"] == round(float((clean == y).mean()), 4)
    assert set(result["blur"]["recall"]) == set(EMOTIONS)
