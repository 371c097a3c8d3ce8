"""Import and export: reading and writing the interchange formats (`exchange_actions`, its
dialogs and background worker) and exporting posters and images (`export_actions`,
`export_dialog` with its live preview).
"""
