"""Analysis of the register: the supply network, alliance entrapment, bundled deals and timelines.

Every function here is pure: it takes pandas DataFrames of register rows and claims
(see ``frames``) and the dated relations (see ``relations``) and returns data; the
command line and the report do the reading and the printing.
"""
