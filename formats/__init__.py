"""Interchange file formats, each format's reader and writer side by side (no Qt).

Session JSON, CSV notes, Mermaid journeys and persona photos; renderings
(posters, report, Markdown, thumbnails) are in export/.
"""
