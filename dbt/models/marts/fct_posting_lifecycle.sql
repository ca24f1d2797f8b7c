{#-
    One row per posting (posting_key) over its whole life: when it was first and last seen, whether and when it
    closed, how often it came back after closing, and its salary at its first and last sighting. Its other columns
    are the latest sighting's (as fct_job_postings). Rebuilt from int_posting_episodes (incremental) on every run.
-#}

with

episodes as (

    select * from {{ ref('int_posting_episodes') }}

),

sightings as (

    select
        {{ posting_key('duplicate_group', 'job_id') }} as posting_key,
        *,
        {{ salary_mid('salary_annual_usd_min', 'salary_annual_usd_max') }} as salary_annual_usd_mid

    from {{ ref('stg_silver__jobs') }}

),

ranked as (

    select
        *,
        row_number() over (partition by posting_key order by {{ latest_sighting_order() }}) as latest_rank,
        row_number() over (
            partition by posting_key order by ingest_date asc, posted_at desc nulls last, title, company, url
        ) as earliest_rank

    from sightings

),

latest as (

    select * from ranked where latest_rank = 1

),

earliest as (

    select posting_key, salary_annual_usd_mid from ranked where earliest_rank = 1

),

life as (

    select
        posting_key,
        min(opened_on) as first_seen,
        max(last_seen) as last_seen,
        -- the latest episode's (arg_max would skip its null closed_on and take an earlier episode's)
        max(closed_on) filter (where is_latest) as closed_on,
        max(opened_on) filter (where is_latest) as current_opened_on,
        cast(count(*) - 1 as integer) as times_reposted,
        cast(sum(days_seen) as integer) as days_seen

    from (select *, episode = max(episode) over (partition by posting_key) as is_latest from episodes)
    group by 1

),

final as (

    select

        ----------  ids
        life.posting_key,
        latest.job_id,
        latest.source,

        ----------  text
        latest.title,
        latest.company,
        coalesce(latest.role_family, 'other') as role_family,
        latest.seniority,
        latest.country_code,
        latest.skills,

        ----------  booleans
        latest.is_remote,
        life.closed_on is null as is_open,

        ----------  numerics
        cast(date_diff('day', life.first_seen, life.last_seen) + 1 as integer) as days_open,
        life.days_seen,
        life.times_reposted,
        earliest.salary_annual_usd_mid as salary_first_annual_usd,
        latest.salary_annual_usd_mid as salary_last_annual_usd,

        ----------  dates
        life.first_seen,
        life.last_seen,
        life.closed_on,
        life.current_opened_on

    from life
    inner join latest using (posting_key)
    inner join earliest using (posting_key)

)

select * from final
