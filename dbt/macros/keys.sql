{#- Surrogate keys: md5 of the normalized natural key (trimmed, lower case), null when the key is blank. -#}

{% macro text_key(column) -%}
    case when nullif(trim({{ column }}), '') is not null then md5(lower(trim({{ column }}))) end
{%- endmacro %}


{% macro location_key(city, region, country_code) -%}
    {#- city, region and country together; null when all three are unknown (no location, or worldwide) -#}
    case
        when coalesce(nullif(trim({{ city }}), ''), nullif(trim({{ region }}), ''), {{ country_code }}) is not null
        then md5(concat_ws('|',
            coalesce(lower(trim({{ city }})), ''),
            coalesce(lower(trim({{ region }})), ''),
            coalesce({{ country_code }}, '')
        ))
    end
{%- endmacro %}


{% macro latest_sighting_order() -%}
    {#- the latest sighting of a posting wins; within one day the remaining keys only make the pick deterministic -#}
    ingest_date desc, posted_at desc nulls last, title, company, url
{%- endmacro %}


{% macro posting_key(duplicate_group, job_id) -%}
    {#- one posting however many sources and days it was seen on: its duplicate_group (silver's cross-source and
        cross-day dedupe), else its own job_id -#}
    coalesce({{ duplicate_group }}, {{ job_id }})
{%- endmacro %}


{% macro salary_mid(low, high) -%}
    coalesce(({{ low }} + {{ high }}) / 2, {{ low }}, {{ high }})
{%- endmacro %}
