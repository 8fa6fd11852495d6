"""The data summary: faces per class, dropped labels, corrupt files and faces not found, as a dict and as text."""

from __future__ import annotations

from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.labels import EMOTIONS


def summarize(faces: FaceSet) -> dict:
    """Counts of a loaded split: faces per class, dropped labels, corrupt files skipped, images without a face."""
    report = faces.report
    corrupt, no_face = report.get("skipped_corrupt", []), report.get("no_face", [])
    summary = {
        "name": faces.name,
        "n": len(faces),
        "image_size": faces.image_size,
        "class_counts": dict(zip(EMOTIONS, faces.class_counts().tolist(), strict=True)),
        "dropped_labels": report.get("dropped_labels", {}),
        "skipped_corrupt": len(corrupt),
        "no_face": len(no_face),
        "skipped_corrupt_files": corrupt,
        "no_face_files": no_face,
    }
    summary.update({key: report[key] for key in ("root", "cache", "from_cache", "missing_parts") if key in report})
    if "parts" in report:
        summary["parts"] = {name: part["class_counts"] for name, part in report["parts"].items()}
    return summary


def format_summary(summary: dict) -> str:
    """The summary as the text ``data summary`` prints."""
    n = max(summary["n"], 1)
    size = summary["image_size"]
    lines = [
        f"{summary['name']}: {summary['n']:,} faces of {size}x{size}"
        + (f" from {summary['root']}" if "root" in summary else "")
    ]
    lines += [f"  {name:<10} {count:>7,}  {100 * count / n:5.1f} %" for name, count in summary["class_counts"].items()]
    dropped = ", ".join(f"{name} {count:,}" for name, count in summary["dropped_labels"].items()) or "none"
    lines.append(f"dropped labels: {dropped}")
    for key, what in (("skipped_corrupt", "corrupt images skipped"), ("no_face", "images without a detected face")):
        examples = summary[f"{key}_files"][:3]
        more = f" (e.g. {', '.join(examples)})" if examples else ""
        lines.append(f"{what}: {summary[key]:,}{more}")
    for name, counts in summary.get("parts", {}).items():
        lines.append(f"part {name}: {sum(counts):,} faces, per class {counts}")
    if summary.get("missing_parts"):
        lines.append(f"parts not found: {', '.join(summary['missing_parts'])}")
    if summary.get("cache"):
        lines.append(f"cache: {summary['cache']}{' (reused)' if summary.get('from_cache') else ' (written)'}")
    return "\n".join(lines)
