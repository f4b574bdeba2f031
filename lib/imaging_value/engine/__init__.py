"""The case and the capability interface: :class:`~imaging_value.engine.case.Case` computes each answer
once; :mod:`~imaging_value.engine.capability` holds the interface and the registry the command line, the export,
the reports and the explorer iterate.
"""
