{#-
  Incremental models that follow the run's as-of date (JOB_ANALYTICS_AS_OF_DATE: the logical date; a backfill
  sets an earlier one). Such a model sets `meta: {as_of_column: <date column>}` and is built in one of two ways:

  - append: the table holds every day up to its max(as_of_column) and the run asks for a later day. Only silver
    partitions after that day are read and merged in by unique_key.
  - rebuild (a full refresh, whole table swapped in): anything else, i.e. the run is a re-run or a backfill
    (as-of <= the latest day the table holds: its rows may hold days the run must not see, or a partition that
    was processed again), the table is empty, or its columns are not the ones the model documents (the model
    changed shape). So a re-run of a day, or a backfill, gives exactly what a full refresh gives.

  dbt asks should_full_refresh() more than once per model: when compiling it (is_incremental), when the
  materialization starts, and once more after the merge (to decide whether to create configured indexes; these
  models have none). The first two see the table before the run and so agree; the pre-hook as_of_log_plan()
  logs the decision once.

  Days before the latest one held are taken as final: after re-processing an older silver partition by hand,
  rebuild with `dbt build --full-refresh` (or run the pipeline for that date, which rebuilds as of it).
-#}

{% macro should_full_refresh() %}
    {#- dbt's rule (the --full-refresh flag, or a model's full_refresh config), plus the as-of rule above. -#}
    {%- set configured = dbt.should_full_refresh() -%}
    {%- if configured or config.get('full_refresh') is not none -%}
        {{ return(configured) }}
    {%- endif -%}
    {%- set as_of_column = (config.get('meta') or {}).get('as_of_column') -%}
    {%- if as_of_column and execute -%}
        {%- if as_of_rebuild_reason(as_of_column) -%}
            {{ return(true) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(false) }}
{% endmacro %}


{% macro as_of_built_through(as_of_column) %}
    {#- The latest as_of_column value the existing table holds, as 'YYYY-MM-DD' (none when empty or absent). -#}
    {%- set existing = adapter.get_relation(this.database, this.schema, this.identifier) -%}
    {%- if existing is none or not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set sql = "select cast(max(" ~ adapter.quote(as_of_column) ~ ") as varchar) from " ~ existing -%}
    {{ return(run_query(sql).columns[0].values()[0]) }}
{% endmacro %}


{% macro as_of_rebuild_reason(as_of_column) %}
    {#- Why the existing table cannot be appended to (a string), or none when it can (or does not exist). -#}
    {%- set existing = adapter.get_relation(this.database, this.schema, this.identifier) -%}
    {%- if existing is none or existing.type != 'table' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set stored = adapter.get_columns_in_relation(existing) | map(attribute='name') | map('lower') | sort | list -%}
    {%- set documented = model.columns.keys() | map('lower') | sort | list -%}
    {%- if documented and stored != documented -%}
        {{ return("its columns differ from the model's") }}
    {%- endif -%}
    {%- set built_through = as_of_built_through(as_of_column) -%}
    {%- set as_of = env_var('JOB_ANALYTICS_AS_OF_DATE', '') -%}
    {%- if built_through is none -%}
        {{ return("the table is empty") }}
    {%- elif as_of and as_of <= built_through -%}
        {{ return("as of " ~ as_of ~ ", the table holds up to " ~ built_through) }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}


{% macro as_of_log_plan() %}
    {#- A pre-hook: log how this run builds the model (rendered before the build changes anything). -#}
    {%- set as_of_column = (config.get('meta') or {}).get('as_of_column') -%}
    {%- if execute and as_of_column -%}
        {%- set existing = adapter.get_relation(this.database, this.schema, this.identifier) -%}
        {%- if existing is none -%}
            {%- set plan = "created (no table yet)" -%}
        {%- elif dbt.should_full_refresh() -%}
            {%- set plan = "full refresh (requested)" -%}
        {%- elif as_of_rebuild_reason(as_of_column) -%}
            {%- set plan = "full rebuild: " ~ as_of_rebuild_reason(as_of_column) -%}
        {%- else -%}
            {%- set plan = "append: " ~ as_of_column ~ " after " ~ as_of_built_through(as_of_column) -%}
        {%- endif -%}
        {{ log(this.identifier ~ " as of " ~ (env_var('JOB_ANALYTICS_AS_OF_DATE', '') or "all silver") ~ ": " ~ plan, info=True) }}
    {%- endif -%}
{% endmacro %}

{#
  The staging models' backfill rule, once: with JOB_ANALYTICS_AS_OF_DATE set (a run's logical date) a model sees
  the lake as it was on that date, so later silver partitions are not part of that day's gold.
#}
{% macro as_of_filter(column='ingest_date') -%}
    {%- if env_var('JOB_ANALYTICS_AS_OF_DATE', '') -%}
    where {{ column }} <= date '{{ env_var("JOB_ANALYTICS_AS_OF_DATE") }}'
    {%- endif -%}
{%- endmacro %}
