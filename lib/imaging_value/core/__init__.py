"""The floor everything stands on: errors, defaults, limits, text safety, YAML reading, atomic writes,
where files are (layout), input checks and the words reports use (wording).

Imports nothing else of the package.
"""
