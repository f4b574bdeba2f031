"""The data as records: the schemas, the loader and its cache, facts and conditions, request and summit
files, the valuation's assumptions and the request parameters.

:func:`~imaging_value.model.data.read_data_folder` returns a validated :class:`~imaging_value.model.data.Dataset`
or one error listing every problem.
"""
