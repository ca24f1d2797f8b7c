"""Stage 3, ``run_dbt_models``: the dbt project built into the candidate warehouse."""
