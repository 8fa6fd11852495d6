"""The paper's comparison models for 64x64 input: VGG with batch norm, ResNet18 and ResNet34."""

from __future__ import annotations

from torch import Tensor, nn
from torchvision.models import resnet18 as tv_resnet18
from torchvision.models import resnet34 as tv_resnet34

from gimefive_lib.labels import NUM_CLASSES


class VGGPair(nn.Module):
    """Two 3x3 convs sharing one BatchNorm, dropout 0.2 after the first, then 2x2 max-pool."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.bn = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.drop = nn.Dropout(0.2)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x: Tensor) -> Tensor:
        x = self.drop(self.relu(self.bn(self.conv1(x))))
        return self.pool(self.relu(self.bn(self.conv2(x))))


class PaperVGG(nn.Module):
    """The paper's VGG (+BN): three conv pairs, flatten 256x8x8, FC 16384-4096-1024-6 (72,460,742 parameters)."""

    def __init__(self, num_classes: int = NUM_CLASSES) -> None:
        super().__init__()
        self.features = nn.Sequential()
        self.features.add_module("block1", VGGPair(3, 64))
        self.features.add_module("block2", VGGPair(64, 128))
        self.features.add_module("block3", VGGPair(128, 256))
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(256 * 8 * 8, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(0.5),
            nn.Linear(4096, 1024),
            nn.ReLU(inplace=True),
            nn.Dropout(0.5),
            nn.Linear(1024, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.features(x))


def _small_input_resnet(factory, num_classes: int) -> nn.Module:
    """A torchvision ResNet without the stem max-pool, so 64x64 input keeps enough resolution."""
    model = factory(weights=None, num_classes=num_classes)
    model.maxpool = nn.Identity()
    return model


def vgg(num_classes: int = NUM_CLASSES) -> PaperVGG:
    """The paper's VGG with batch norm."""
    return PaperVGG(num_classes)


def resnet18(num_classes: int = NUM_CLASSES) -> nn.Module:
    """ResNet18 without stem max-pool: 11,179,590 parameters."""
    return _small_input_resnet(tv_resnet18, num_classes)


def resnet34(num_classes: int = NUM_CLASSES) -> nn.Module:
    """ResNet34 without stem max-pool: 21,287,750 parameters."""
    return _small_input_resnet(tv_resnet34, num_classes)
