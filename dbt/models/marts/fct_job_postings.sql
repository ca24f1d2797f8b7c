{{
    config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key='job_id',
        on_schema_change='append_new_columns',
        meta={'as_of_column': 'ingest_date'},
        pre_hook="{{ as_of_log_plan() }}",
    )
}}

{#-
    Incremental on ingest_date (see macros/incremental_as_of.sql). A run for a later day than the table holds
    reads only the new silver partitions and merges their postings in by job_id: a posting seen again replaces
    its row (its latest sighting wins) and keeps its first_seen_date. A re-run or a backfill (as-of date not after
    the latest ingest_date held) rebuilds the table whole from int_postings_latest, so either way the rows are
    those a full refresh gives. A column added to silver is appended to the built table (on_schema_change).
-#}
-- depends_on: {{ ref('stg_silver__jobs') }}

with

{% if is_incremental() %}

new_sightings as (

    -- the silver partitions after the latest day the table holds (staging stops at the as-of date)
    select * from {{ ref('stg_silver__jobs') }}
    where ingest_date > date '{{ as_of_built_through("ingest_date") }}'

),

ranked as (

    select
        *,
        min(ingest_date) over (partition by job_id) as first_seen_in_window,
        row_number() over (partition by job_id order by {{ latest_sighting_order() }}) as sighting_rank

    from new_sightings

),

postings as (

    select
        ranked.* exclude (first_seen_in_window, sighting_rank),
        -- a posting already held was first seen on that row's first_seen_date
        least(held.first_seen_date, ranked.first_seen_in_window) as first_seen_date

    from ranked
    left join {{ this }} as held on held.job_id = ranked.job_id
    where ranked.sighting_rank = 1

),

{% else %}

postings as (

    select * from {{ ref('int_postings_latest') }}

),

{% endif %}

final as (

    select

        ----------  ids
        job_id,
        source,
        source_job_id,
        duplicate_group,
        {{ text_key('company') }} as company_key,
        {{ location_key('city', 'region', 'country_code') }} as location_key,

        ----------  text
        title,
        company,
        city,
        region,
        country_code,
        employment_type,
        seniority,
        role_family,
        skills,
        description_text,
        url,

        ----------  booleans
        is_remote,

        ----------  numerics
        salary_min,
        salary_max,
        salary_currency,
        salary_period,
        salary_source,
        salary_annual_usd_min,
        salary_annual_usd_max,
        coalesce(
            (salary_annual_usd_min + salary_annual_usd_max) / 2, salary_annual_usd_min, salary_annual_usd_max
        ) as salary_annual_usd_mid,

        ----------  dates and timestamps
        posted_at,
        -- the UTC calendar day; a posting whose source gives no date counts on the day it was first seen
        coalesce(cast(timezone('UTC', posted_at) as date), first_seen_date) as posted_date,
        first_seen_date,
        ingest_date

    from postings

)

select * from final
