"""Training throughput on this machine, three ways, on the same faces in one run.

(a) the paper's original loop: PIL decode per sample, torchvision transforms, batch 16, fp32, 4 loader workers;
(b) this trainer for a full epoch, data pipeline, validation and checkpointing included;
(c) the ceiling: forward, backward and optimiser step alone on preloaded tensors at (b)'s batch size and precision.

Prints the three figures in images/s and the ratios b/a and b/c.

    python bench/train_throughput.py                      # synthetic faces written as JPEG files
    python bench/train_throughput.py --rafdb DIR          # RAF-DB basic (aligned JPEGs)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms

from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.preprocess import IMAGENET_MEAN, IMAGENET_STD
from gimefive_lib.devices import autocast, select_device, use_channels_last
from gimefive_lib.models import build_model
from gimefive_lib.training.config import TrainConfig
from gimefive_lib.training.trainer import Trainer


class JpegFaces(Dataset):
    """The paper's dataset class: open and decode one JPEG per sample."""

    def __init__(self, files: list[Path], labels: np.ndarray) -> None:
        self.files, self.labels = files, labels
        self.transform = transforms.Compose(
            [
                transforms.Grayscale(num_output_channels=3),
                transforms.Resize((64, 64)),
                transforms.RandomHorizontalFlip(),
                transforms.ToTensor(),
                transforms.Normalize(IMAGENET_MEAN, IMAGENET_STD),
            ]
        )

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, i: int):
        with Image.open(self.files[i]) as image:
            return self.transform(image.convert("RGB")), int(self.labels[i])


def load_faces(args) -> tuple[FaceSet, list[Path]]:
    """The faces for all three measurements, and JPEG files of them for the paper's loop."""
    if args.rafdb:
        from gimefive_lib.data.datasets.rafdb import RafDB

        faces = RafDB().load(args.rafdb, "train", size=64)
        image_dir = RafDB().resolve_root(Path(args.rafdb)) / "Image" / "aligned"
        files = [image_dir / source for source in faces.sources]
        return faces, files
    from gimefive_lib.data.synthetic.render import generate_synthetic

    faces = generate_synthetic(args.images, size=100, seed=0)
    folder = Path(tempfile.mkdtemp(prefix="gimefive-bench-"))
    files = []
    for i, image in enumerate(faces.images):
        files.append(folder / f"{i:05d}.jpg")
        Image.fromarray(image).save(files[-1], quality=90)
    small = np.stack([np.asarray(Image.fromarray(im).resize((64, 64), Image.BILINEAR)) for im in faces.images])
    return FaceSet(small, faces.labels, "synthetic"), files


def paper_loop(files: list[Path], labels: np.ndarray, batches: int, device: torch.device) -> float:
    """Images/s of the paper's loop (SGD, batch 16, fp32, 4 workers) over ``batches`` batches after warm-up."""
    model = build_model("gimefive").to(device).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9, weight_decay=1e-4)
    loader = DataLoader(JpegFaces(files, labels), batch_size=16, shuffle=True, num_workers=4, drop_last=True)
    criterion = torch.nn.CrossEntropyLoss()
    seen, started = 0, None
    for step, (x, y) in enumerate(loader):
        if step == 3:
            seen, started = 0, time.perf_counter()
        x, y = x.to(device), y.to(device)
        loss = criterion(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        seen += len(y)
        if step == batches + 3:
            break
    return seen / (time.perf_counter() - started)


def trainer_epoch(faces: FaceSet, batch_size: int, device: torch.device) -> float:
    """Images/s of one full Trainer epoch, wall clock of fit() including validation and checkpoints."""
    val_index = np.arange(0, len(faces), 50)
    train = faces.subset(np.setdiff1d(np.arange(len(faces)), val_index))
    val = faces.subset(val_index)
    with tempfile.TemporaryDirectory() as out:
        config = TrainConfig(epochs=1, batch_size=batch_size, device=str(device), out_dir=out, progress=False)
        trainer = Trainer(config)
        started = time.perf_counter()
        trainer.fit(train, val)
        return len(train) / (time.perf_counter() - started)


def bare_steps(batch_size: int, steps: int, device: torch.device) -> float:
    """Images/s of forward + backward + optimiser step on preloaded tensors, trainer precision and layout."""
    channels_last = use_channels_last(device)
    model = build_model("gimefive").to(device).train()
    x = torch.randn(batch_size, 3, 64, 64, device=device)
    if channels_last:
        model, x = model.to(memory_format=torch.channels_last), x.to(memory_format=torch.channels_last)
    y = torch.randint(0, 6, (batch_size,), device=device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    criterion = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    for step in range(steps + 3):
        if step == 3:
            if device.type == "cuda":
                torch.cuda.synchronize()
            started = time.perf_counter()
        with autocast(device):
            logits = model(x)
        loss = criterion(logits.float(), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return steps * batch_size / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rafdb", type=Path, help="RAF-DB basic folder (default: synthetic faces)")
    parser.add_argument("--images", type=int, default=3000, help="number of synthetic faces")
    parser.add_argument("--paper-batches", type=int, default=120, help="batches of 16 timed in the paper loop")
    parser.add_argument("--batch-size", type=int, default=TrainConfig().batch_size)
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()
    device = select_device(args.device)
    faces, files = load_faces(args)
    print(f"{len(faces)} faces ({faces.name}), device {device}, {torch.get_num_threads()} threads")
    a = paper_loop(files, faces.labels, args.paper_batches, device)
    print(f"(a) paper loop (PIL per sample, batch 16, fp32, 4 workers): {a:7.1f} img/s")
    b = trainer_epoch(faces, args.batch_size, device)
    print(f"(b) this trainer, full epoch incl. data, validation, checkpoints: {b:7.1f} img/s")
    c = bare_steps(args.batch_size, max(10, 1500 // args.batch_size), device)
    print(f"(c) ceiling: bare forward/backward/step on preloaded tensors: {c:7.1f} img/s")
    print(f"b/a = {b / a:.2f}   (target >= 2)")
    print(f"b/c = {c and b / c:.2f}   (target >= 0.85)")


if __name__ == "__main__":
    main()
