{#-
    Salary history of each posting as a type-2 slowly changing dimension: a row per advertised salary, valid from
    the day it was first seen until the day another one replaced it. Built from silver's daily sightings (not a
    dbt snapshot), so a backfill gives the history as known on its date.
-#}

with

daily as (

    select
        {{ posting_key('duplicate_group', 'job_id') }} as posting_key,
        ingest_date,
        salary_min,
        salary_max,
        salary_currency,
        salary_period,
        {{ salary_mid('salary_annual_usd_min', 'salary_annual_usd_max') }} as salary_annual_usd_mid,
        row_number() over (
            partition by {{ posting_key('duplicate_group', 'job_id') }}, ingest_date
            order by {{ latest_sighting_order() }}
        ) as day_rank

    from {{ ref('stg_silver__jobs') }}

),

changes as (

    select
        *,
        row_number() over by_day = 1
            or salary_min is distinct from lag(salary_min) over by_day
            or salary_max is distinct from lag(salary_max) over by_day
            or salary_currency is distinct from lag(salary_currency) over by_day
            or salary_period is distinct from lag(salary_period) over by_day as is_change

    from daily
    where day_rank = 1
    window by_day as (partition by posting_key order by ingest_date)

),

versions as (

    select
        posting_key,
        ingest_date as valid_from,
        lead(ingest_date) over (partition by posting_key order by ingest_date) as valid_to,
        salary_min,
        salary_max,
        salary_currency,
        salary_period,
        salary_annual_usd_mid

    from changes
    where is_change

),

final as (

    select
        *,
        valid_to is null as is_current,
        salary_annual_usd_mid - lag(salary_annual_usd_mid) over (
            partition by posting_key order by valid_from
        ) as change_annual_usd

    from versions

)

select * from final
