"""The optimisation model: the rules and score of a placement, compiled for :mod:`solvers`.

Hard rules (R01–R11, G01–G07, X01), the exact score, the move space, compilation into a neutral
:mod:`solvers` model, and the diagnosis of an infeasible one.
"""
