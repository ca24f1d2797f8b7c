{#-
    The market's flow per day: postings opened (first seen, or seen again after closing), closed, and open at the
    end of the day, per source, role family and country (ZZ: unknown or worldwide). Days are the days the pipeline
    ran (silver or scrapes exist), so the table grows with the days processed, not the calendar; a cell has a row
    from its first opening on, except on days with nothing open, opened or closed in it.
-#}

with

episodes as (

    select * from {{ ref('int_posting_episodes') }}

),

postings as (

    select posting_key, source, role_family, coalesce(country_code, 'ZZ') as country_code
    from {{ ref('fct_posting_lifecycle') }}

),

days as (

    select ingest_date as flow_date from {{ ref('stg_silver__scrapes') }}
    union
    select ingest_date from {{ ref('stg_silver__jobs') }}

),

events as (

    select postings.source, postings.role_family, postings.country_code, episodes.opened_on as flow_date,
           1 as opened, case when episodes.episode > 1 then 1 else 0 end as reposted, 0 as closed
    from episodes inner join postings using (posting_key)
    union all
    select postings.source, postings.role_family, postings.country_code, episodes.closed_on,
           0, 0, 1
    from episodes inner join postings using (posting_key)
    where episodes.closed_on is not null

),

cells as (

    select source, role_family, country_code, min(flow_date) as since
    from events
    group by 1, 2, 3

),

grid as (

    select days.flow_date, cells.source, cells.role_family, cells.country_code
    from cells
    inner join days on days.flow_date >= cells.since

),

counted as (

    select
        grid.*,
        coalesce(sum(events.opened), 0) as new_postings,
        coalesce(sum(events.reposted), 0) as reposted_postings,
        coalesce(sum(events.closed), 0) as closed_postings

    from grid
    left join events using (flow_date, source, role_family, country_code)
    group by all

),

running as (

    select
        *,
        sum(new_postings - closed_postings) over (
            partition by source, role_family, country_code order by flow_date
            rows between unbounded preceding and current row
        ) as open_postings

    from counted

),

final as (

    select
        flow_date,
        source,
        role_family,
        country_code,
        cast(new_postings as bigint) as new_postings,
        cast(reposted_postings as bigint) as reposted_postings,
        cast(closed_postings as bigint) as closed_postings,
        cast(open_postings as bigint) as open_postings

    from running
    where new_postings > 0 or closed_postings > 0 or open_postings > 0

)

select * from final
