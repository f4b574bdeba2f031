"""Rendering the pack: papermill jobs on warm kernels, the offline HTML export, the index, PDFs from
Debian's chromium, and storing notebook outputs.
"""
