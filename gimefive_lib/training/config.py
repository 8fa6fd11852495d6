"""Every setting of a training run, saved inside its checkpoints so that a resumed run continues unchanged."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from gimefive_lib.training.augment import AugmentConfig


@dataclass
class TrainConfig:
    """Hyper-parameters and run options. ``out_dir`` receives ``last.pt``, ``best.pt`` and ``history.csv``."""

    model: str = "gimefive"
    epochs: int = 40
    batch_size: int = 64
    optimizer: str = "adamw"  # adamw | sgd
    lr: float = 1e-3
    weight_decay: float = 0.05
    momentum: float = 0.9
    schedule: str = "onecycle"  # onecycle | cosine | constant
    label_smoothing: float = 0.1
    augment: AugmentConfig = field(default_factory=AugmentConfig)
    patience: int = 0  # early stopping on validation accuracy; 0 = off
    seed: int = 0
    device: str = "auto"
    amp: bool = True  # mixed precision on CUDA, bf16 autocast on capable CPUs
    channels_last: bool = True
    flip_tta: bool = True  # validation with horizontal-flip test-time augmentation
    init_from: str = ""  # checkpoint whose weights start the run (fine-tuning); "" = random initialisation
    swa: bool = False  # stochastic weight averaging: validate and save the average of the weights after each epoch
    ema: float = 0.0  # decay of an exponential moving average of the weights, updated every step; 0 = off
    out_dir: str = "runs/gimefive"
    progress: bool = True

    def to_dict(self) -> dict:
        """A plain dictionary (for checkpoints and JSON)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> TrainConfig:
        """Rebuild a config saved with :meth:`to_dict`."""
        values = dict(values)
        values["augment"] = AugmentConfig(**values.get("augment", {}))
        return cls(**values)

    @classmethod
    def paper(cls, **overrides) -> TrainConfig:
        """The paper's own protocol: SGD lr 1e-3, momentum 0.9, wd 1e-4, batch 16, flip only, patience 15."""
        base = dict(
            optimizer="sgd",
            lr=1e-3,
            weight_decay=1e-4,
            batch_size=16,
            schedule="constant",
            label_smoothing=0.0,
            augment=AugmentConfig.paper(),
            patience=15,
            epochs=80,
            flip_tta=False,
        )
        return cls(**{**base, **overrides})
