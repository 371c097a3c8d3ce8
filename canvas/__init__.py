"""The map on screen: `MapScene` (the binder of layout to items), `MapView`, and one
item or mouse gesture per module; nothing here writes to storage or imports `ui/`."""
