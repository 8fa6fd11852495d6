"""GiMeFive (Wang & Kawka 2024), its squeeze-excitation variant and the paper's smaller baseline."""

from __future__ import annotations

from torch import Tensor, nn

from gimefive_lib.labels import NUM_CLASSES


class ConvBlock(nn.Sequential):
    """conv3x3 (padding 1) -> BatchNorm -> ReLU -> 2x2 max-pool."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__(
            nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
        )


class SqueezeExcitation(nn.Module):
    """Channel attention with bias-free linears (reduction 16), as in the paper's GiMeFive+SE."""

    def __init__(self, channels: int, reduction: int = 16) -> None:
        super().__init__()
        self.fc = nn.Sequential(
            nn.Linear(channels, channels // reduction, bias=False),
            nn.ReLU(inplace=True),
            nn.Linear(channels // reduction, channels, bias=False),
            nn.Sigmoid(),
        )

    def forward(self, x: Tensor) -> Tensor:
        weights = self.fc(x.mean(dim=(2, 3)))
        return x * weights[:, :, None, None]


class GiMeFive(nn.Module):
    """Conv blocks with dropout 0.2 after all but the last, global average pool, three FC layers.

    ``features`` holds the conv blocks (``features.block1`` ... ``features.blockN``), the layers
    Grad-CAM and the activation explorer look at.
    """

    def __init__(
        self,
        channels: tuple[int, ...] = (64, 128, 256, 512, 1024),
        hidden: tuple[int, int] = (2048, 1024),
        num_classes: int = NUM_CLASSES,
        squeeze_excitation: bool = False,
    ) -> None:
        super().__init__()
        layers: dict[str, nn.Module] = {}
        in_channels = 3
        for i, out_channels in enumerate(channels, start=1):
            layers[f"block{i}"] = ConvBlock(in_channels, out_channels)
            if i == 1 and squeeze_excitation:
                layers["se"] = SqueezeExcitation(out_channels)
            if i < len(channels):
                layers[f"drop{i}"] = nn.Dropout(0.2)
            in_channels = out_channels
        self.features = nn.Sequential()
        for name, layer in layers.items():
            self.features.add_module(name, layer)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(
            nn.Linear(in_channels, hidden[0]),
            nn.ReLU(inplace=True),
            nn.Dropout(0.5),
            nn.Linear(hidden[0], hidden[1]),
            nn.ReLU(inplace=True),
            nn.Linear(hidden[1], num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.pool(self.features(x)).flatten(1))


def gimefive(num_classes: int = NUM_CLASSES) -> GiMeFive:
    """The paper's GiMeFive: 10,478,086 parameters."""
    return GiMeFive(num_classes=num_classes)


def gimefive_se(num_classes: int = NUM_CLASSES) -> GiMeFive:
    """GiMeFive with squeeze-excitation after the first block: 10,478,598 parameters."""
    return GiMeFive(num_classes=num_classes, squeeze_excitation=True)


def gimefive_baseline(num_classes: int = NUM_CLASSES) -> GiMeFive:
    """The paper's smaller baseline (four blocks, FC 512-1024-512): 2,606,086 parameters."""
    return GiMeFive(channels=(64, 128, 256, 512), hidden=(1024, 512), num_classes=num_classes)
