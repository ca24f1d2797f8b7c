{#-
    Demand as an index: the 7-day moving average of postings opened per day, per role family and per top skill,
    against its average over the first demand_index_baseline_days (28) days = 100. A source's first day lists its
    whole backlog, not the day's demand: postings first seen then are left out, and so is the lake's first day.
    Moving averages are over the days the pipeline ran within the 7 calendar days, so a day it did not run does
    not count as a day without demand.
-#}

with

postings as (

    select * from {{ ref('fct_posting_lifecycle') }}

),

episodes as (

    select * from {{ ref('int_posting_episodes') }}

),

first_days as (

    select source, min(ingest_date) as first_day
    from {{ ref('stg_silver__jobs') }}
    group by 1

),

days as (

    select distinct ingest_date as index_date
    from {{ ref('stg_silver__jobs') }}
    where ingest_date > (select min(first_day) from first_days)

),

opened as (

    select postings.posting_key, postings.role_family, postings.skills, episodes.opened_on
    from episodes
    inner join postings using (posting_key)
    inner join first_days using (source)
    where episodes.opened_on > first_days.first_day

),

top_skills as (

    select skill
    from (select distinct posting_key, unnest(skills) as skill from postings)
    where nullif(trim(skill), '') is not null
    group by 1
    order by count(*) desc, skill
    limit {{ var('demand_index_top_skills') }}

),

series as (

    select distinct 'role_family' as dimension, role_family as value from postings
    union all
    select 'skill', skill from top_skills

),

daily as (

    select 'role_family' as dimension, role_family as value, opened_on as index_date, count(*) as new_postings
    from opened
    group by all
    union all
    select 'skill', skill, opened_on, count(*)
    from (select distinct posting_key, opened_on, unnest(skills) as skill from opened)
    where skill in (select skill from top_skills)
    group by all

),

grid as (

    select days.index_date, series.dimension, series.value, coalesce(daily.new_postings, 0) as new_postings
    from days
    cross join series
    left join daily using (index_date, dimension, value)

),

baseline as (

    select dimension, value, avg(new_postings) as baseline_daily_avg
    from grid
    where index_date < (select min(index_date) from days) + {{ var('demand_index_baseline_days') }}
    group by 1, 2

),

windows as (

    select
        grid.*,
        avg(grid.new_postings) over (
            partition by grid.dimension, grid.value order by grid.index_date
            range between interval 6 days preceding and current row
        ) as new_postings_7d_avg,
        baseline.baseline_daily_avg

    from grid
    inner join baseline using (dimension, value)

),

final as (

    select
        index_date,
        dimension,
        value,
        cast(new_postings as bigint) as new_postings,
        round(new_postings_7d_avg, 4) as new_postings_7d_avg,
        round(baseline_daily_avg, 4) as baseline_daily_avg,
        case when baseline_daily_avg > 0 then round(100 * new_postings_7d_avg / baseline_daily_avg, 1) end
            as demand_index

    from windows

)

select * from final
