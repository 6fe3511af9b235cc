"""SPARQL: named queries and their checks, the bounds every query runs within (time and answer size), the on-disk
Oxigraph store, stoppable query workers, and SPARQL 1.1 servers the user points careerkg at. Above reasoning
and validation; the engine and the server use it.
"""
