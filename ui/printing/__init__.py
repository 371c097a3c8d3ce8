"""Printing a map: the print dialog, the preview and the poster options tab.
"""
