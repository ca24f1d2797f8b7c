with

postings as (

    select job_id, posted_date from {{ ref('fct_job_postings') }}

),

bridge as (

    select * from {{ ref('bridge_job_skill') }}

),

skills as (

    select * from {{ ref('dim_skill') }}

),

daily as (

    select bridge.skill_key, postings.posted_date, count(*) as postings
    from bridge
    inner join postings using (job_id)
    group by 1, 2

),

last_day as (

    select max(posted_date) as last_day from postings

),

spine as (

    -- every calendar day of the trailing var('skill_demand_spine_days') days up to the latest posted_date in gold
    -- (from the skill's first posting on), so the recent windows read as calendar days with 0 where nothing was
    -- posted; before that window only the days with postings of the skill are rows. The table grows with the
    -- postings, not with the calendar span between the oldest and the newest.
    select
        skill_key,
        cast(unnest(generate_series(
            cast(greatest(min(posted_date), any_value(last_day) - {{ var('skill_demand_spine_days') - 1 }}) as timestamp),
            cast(any_value(last_day) as timestamp), interval 1 day
        )) as date) as posted_date

    from daily
    cross join last_day
    group by skill_key

),

filled as (

    select
        coalesce(spine.skill_key, daily.skill_key) as skill_key,
        coalesce(spine.posted_date, daily.posted_date) as posted_date,
        coalesce(daily.postings, 0) as postings

    from spine
    full outer join daily using (skill_key, posted_date)

),

windows as (

    -- calendar windows over sparse rows: ranges of days, not counts of rows
    select
        *,
        sum(postings) over (by_day range between interval 6 days preceding and current row) as postings_7d,
        coalesce(sum(postings) over (
            by_day range between interval 13 days preceding and interval 7 days preceding), 0) as postings_prev_7d,
        sum(postings) over (by_day range between interval 27 days preceding and current row) as postings_28d,
        coalesce(sum(postings) over (
            by_day range between interval 55 days preceding and interval 28 days preceding), 0) as postings_prev_28d

    from filled
    window by_day as (partition by skill_key order by posted_date)

),

final as (

    select
        windows.posted_date,
        windows.skill_key,
        skills.skill,
        windows.postings,
        cast(windows.postings_7d as bigint) as postings_7d,
        cast(windows.postings_prev_7d as bigint) as postings_prev_7d,
        case when windows.postings_prev_7d > 0
            then round(windows.postings_7d / windows.postings_prev_7d - 1, 4) end as trend_7d,
        cast(windows.postings_28d as bigint) as postings_28d,
        cast(windows.postings_prev_28d as bigint) as postings_prev_28d,
        case when windows.postings_prev_28d > 0
            then round(windows.postings_28d / windows.postings_prev_28d - 1, 4) end as trend_28d

    from windows
    inner join skills using (skill_key)

)

select * from final
