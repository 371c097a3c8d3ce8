"""Edit › Preferences: the facilitator's defaults, remembered with QSettings.

- default template and emotion scale for new sessions and maps,
- the palette participants and personas get their colours from (the
  colour-blind-safe default, or a high-contrast variant for washed-out projectors;
  both are defined in `journey.palette.PALETTES`, none here),
- the base text size of the map (applied to the canvas through `Style.scaled`),
- how many rolling backups of the library are kept (made at start, see
  `storage.backups`).

`Preferences.load(settings)` is what the rest of the UI reads; the dialog
edits a copy and `save`s it only on OK.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
)

from journey.layout import Style
from journey.ops import SCALES
from journey.palette import DEFAULT_PALETTE, PALETTES
from journey.templates import DEFAULT_TEMPLATE, TemplateSpec
from storage.backups import DEFAULT_KEEP, MAX_KEEP

TEXT_SIZES = (90, 100, 115, 130, 150, 175, 200)
BLANK = ""  # the template value of "Blank map"


@dataclass(frozen=True)
class Preferences:
    default_template: str = DEFAULT_TEMPLATE
    scale: tuple[int, int] = (-3, 3)
    palette: str = DEFAULT_PALETTE
    text_size: int = 100  # percent of the standard map text
    backups: int = DEFAULT_KEEP

    # -- derived values the UI uses --------------------------------------------------
    def style(self, base: Style | None = None) -> Style:
        base = base or Style()
        return base if self.text_size == 100 else base.scaled(self.text_size / 100)

    def strong_colours(self) -> list[str]:
        """Colours for participants' dots and personas' curves, in the order given out."""
        return list(PALETTES.get(self.palette, PALETTES[DEFAULT_PALETTE]).people)

    # -- QSettings ---------------------------------------------------------------------
    @classmethod
    def load(cls, settings: QSettings) -> Preferences:
        d = cls()
        template = settings.value("prefs/default_template", d.default_template)
        scale = _scale(settings.value("prefs/scale", ""), d.scale)
        palette = settings.value("prefs/palette", d.palette)
        return cls(
            default_template=template if isinstance(template, str) else d.default_template,
            scale=scale,
            palette=palette if palette in PALETTES else d.palette,
            text_size=_int(settings.value("prefs/text_size"), d.text_size, 50, 300),
            backups=_int(settings.value("prefs/backups"), d.backups, 0, MAX_KEEP),
        )

    def save(self, settings: QSettings) -> None:
        settings.setValue("prefs/default_template", self.default_template)
        settings.setValue("prefs/scale", f"{self.scale[0]},{self.scale[1]}")
        settings.setValue("prefs/palette", self.palette)
        settings.setValue("prefs/text_size", int(self.text_size))
        settings.setValue("prefs/backups", int(self.backups))
        settings.sync()


def _int(value: Any, default: int, lo: int, hi: int) -> int:
    try:
        return max(lo, min(hi, int(value)))
    except (TypeError, ValueError):
        return default


def _scale(value: Any, default: tuple[int, int]) -> tuple[int, int]:
    try:
        a, b = (int(x) for x in str(value).split(","))
    except ValueError:
        return default
    return (a, b) if (a, b) in SCALES else default


def scale_label(scale: tuple[int, int]) -> str:
    lo, hi = scale
    return f"{lo:+d} … {hi:+d}".replace("-", "−") if lo < 0 else f"{lo} … {hi}"


def swatch_icon(colour: str, size: int = 14) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(QColor(colour))
    return QIcon(pix)


class PreferencesDialog(QDialog):
    """The preferences form; `values()` after OK is the new `Preferences`."""

    def __init__(self, prefs: Preferences, templates: list[TemplateSpec],
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self._prefs = prefs
        self.template_box = QComboBox(self)
        for spec in templates:
            self.template_box.addItem(spec.name, spec.name)
        self.template_box.addItem("Blank map", BLANK)
        index = self.template_box.findData(prefs.default_template)
        if index < 0:  # a saved template that has since been deleted
            index = self.template_box.findData(DEFAULT_TEMPLATE)
        self.template_box.setCurrentIndex(max(0, index))

        self.scale_box = QComboBox(self)
        for lo, hi in SCALES:
            self.scale_box.addItem(scale_label((lo, hi)), f"{lo},{hi}")
        self.scale_box.setCurrentIndex(
            max(0, self.scale_box.findData(f"{prefs.scale[0]},{prefs.scale[1]}")))

        self.palette_box = QComboBox(self)
        for key, named in PALETTES.items():
            self.palette_box.addItem(swatch_icon(named.people[1]), named.label, key)
        self.palette_box.setCurrentIndex(max(0, self.palette_box.findData(prefs.palette)))

        self.text_size_box = QComboBox(self)
        for size in TEXT_SIZES:
            self.text_size_box.addItem("Standard (100 %)" if size == 100 else f"{size} %", size)
        index = self.text_size_box.findData(prefs.text_size)
        if index < 0:
            self.text_size_box.addItem(f"{prefs.text_size} %", prefs.text_size)
            index = self.text_size_box.count() - 1
        self.text_size_box.setCurrentIndex(index)

        self.backups_box = QSpinBox(self)
        self.backups_box.setRange(0, MAX_KEEP)
        self.backups_box.setSpecialValueText("None")
        self.backups_box.setValue(prefs.backups)
        self.backups_box.setToolTip("A copy of the library is made when Waymark starts; "
                                    "this many of the newest copies are kept")

        form = QFormLayout()
        form.addRow("Template for new sessions:", self.template_box)
        form.addRow("Emotion scale for new maps:", self.scale_box)
        form.addRow("Colours for people:", self.palette_box)
        form.addRow("Map text size:", self.text_size_box)
        form.addRow("Library backups kept:", self.backups_box)
        hint = QLabel("Backups are made when Waymark starts, beside the library file.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.template_box.setFocus(Qt.FocusReason.OtherFocusReason)

    def values(self) -> Preferences:
        return replace(self._prefs,
                       default_template=self.template_box.currentData(),
                       scale=_scale(self.scale_box.currentData(), self._prefs.scale),
                       palette=self.palette_box.currentData(),
                       text_size=int(self.text_size_box.currentData()),
                       backups=self.backups_box.value())
