-- agg_daily_flow against fct_posting_lifecycle, counted independently: on the latest day the open postings are the
-- lifecycle's open ones; over all days the closed postings are the closed episodes and new ones every episode.
with

flow as (

    select
        sum(open_postings) filter (where flow_date = (select max(flow_date) from {{ ref('agg_daily_flow') }}))
            as open_last_day,
        sum(new_postings) as opened,
        sum(closed_postings) as closed

    from {{ ref('agg_daily_flow') }}

),

life as (

    select
        count(*) filter (where is_open) as open_now,
        sum(times_reposted + 1) as episodes,
        count(*) filter (where not is_open) + sum(times_reposted) as closed_episodes

    from {{ ref('fct_posting_lifecycle') }}

)

select *
from flow cross join life
where coalesce(flow.open_last_day, 0) != life.open_now
   or coalesce(flow.opened, 0) != coalesce(life.episodes, 0)
   or coalesce(flow.closed, 0) != coalesce(life.closed_episodes, 0)
