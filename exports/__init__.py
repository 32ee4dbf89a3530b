"""Pure renderers of a workshop's state: the PDCA plan in the formats editors use.

(The exporters arrive with the export issue; exports read state, never the database.)
"""
