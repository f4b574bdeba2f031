"""The interactive explorer: its state (one :class:`~imaging_value.engine.case.Case`), its panels, the
scenario form, the coordinator, the facilitator's summit form, and the local web app (Voila).
"""
