"""Planning: the role's missing skills → a stack of credentials that covers most of them within budgets.

- ``solver``: budgeted maximum coverage, exact (MILP) or greedy (``PlanInstance``, ``solve``).
- ``pathway``: role × catalog → the plan: prerequisites, stacking, order, curriculum gap (``build_plan``).
- ``results``: ``PlanResult``, ``PlanStep``, ``PlanTotals``, ``Budget``, ``CoveredSkill``, ``SolverInfo``.
- ``render``: the plan as a table (``print_plan``); ``html``: as one self-contained page (``render_plan_html``).
"""
