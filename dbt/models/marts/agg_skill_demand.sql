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

    -- every day from a skill's first posting to the latest posted_date in gold, so the windows below are
    -- calendar days (a day without postings of the skill is a row with 0)
    select
        skill_key,
        cast(unnest(generate_series(
            cast(min(posted_date) as timestamp), cast(any_value(last_day) as timestamp), interval 1 day
        )) as date) as posted_date

    from daily
    cross join last_day
    group by skill_key

),

filled as (

    select spine.skill_key, spine.posted_date, coalesce(daily.postings, 0) as postings
    from spine
    left join daily using (skill_key, posted_date)

),

windows as (

    select
        *,
        sum(postings) over (by_day rows between 6 preceding and current row) as postings_7d,
        coalesce(sum(postings) over (by_day rows between 13 preceding and 7 preceding), 0) as postings_prev_7d,
        sum(postings) over (by_day rows between 27 preceding and current row) as postings_28d,
        coalesce(sum(postings) over (by_day rows between 55 preceding and 28 preceding), 0) as postings_prev_28d

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
