"""Pure renderers of a workshop's state: the PDCA plan in the formats editors use.

Exports read state, never the database, and no clock: :class:`~exports.source.Source`
carries the state, the moment the document is made for, and (for the archive only) the
event log. :data:`~exports.registry.EXPORTERS` names every format.
"""
