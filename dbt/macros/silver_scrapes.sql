{% macro silver_scrapes_exist() %}
    {#- Whether any silver/scrapes partition exists (at run time; false while parsing). A lake processed before the
        table was written has none: stg_silver__scrapes is then empty and nothing closes. -#}
    {%- set pattern = env_var('JOB_ANALYTICS_SCRAPES_GLOB', '') -%}
    {%- if not execute or not pattern -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set found = run_query("select count(*) from glob('" ~ (pattern | replace("'", "''")) ~ "')") -%}
    {{ return(found.columns[0].values()[0] > 0) }}
{% endmacro %}
