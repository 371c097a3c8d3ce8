"""The Qt-free journey domain: model, operations, templates and layout."""
