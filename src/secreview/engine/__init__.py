"""The engine, one stage a module: evaluate → score → waive → decide → summarise → assemble.

Every stage is a pure function of its inputs; loading lives in :mod:`secreview.inputs` and output
in :mod:`secreview.report`.
"""
