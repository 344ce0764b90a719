"""Training our own facial-expression models (PyTorch, an optional extra: ``pip install
'.[train]'``). Nothing outside this package imports PyTorch; the app runs the exported ONNX
files on ONNX Runtime."""
