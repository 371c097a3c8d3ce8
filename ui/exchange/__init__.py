"""Import and export: the report, CSV, Markdown, Mermaid and JSON, file drops
(`exchange_actions`, with its dialogs and the background worker that keeps long reads
and writes off the GUI thread), and the poster PDF/PNG/tiles export (`export_actions`,
`export_dialog` with its live preview).
"""
