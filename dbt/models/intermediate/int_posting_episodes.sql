{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='posting_key',
        meta={'as_of_column': 'last_seen'},
        pre_hook="{{ as_of_log_plan() }}",
    )
}}

{#-
    Each posting's episodes: the stretches from a first sighting to the day it closed. A posting seen on day d
    through scope s closes on the K-th complete scrape of s after d unless seen again before it (K = 1 for a board
    API, var('close_after_days') for a search API); seen again after that, it opens a new episode (a repost).
    Seen through several scopes on its last day, it closes once every one of them has closed it. An incomplete
    scrape (failed, capped, partial) is not counted, so it never closes anything.

    Incremental on last_seen (macros/incremental_as_of.sql): a later day recomputes, from their whole history,
    only the postings still open and those seen in the new days (delete+insert by posting_key); a closed posting
    not seen again cannot change. A re-run or a backfill rebuilds the table as of its date.
-#}
-- depends_on: {{ ref('int_posting_sightings') }}

with

all_sightings as (

    select * from {{ ref('int_posting_sightings') }}

),

{% if is_incremental() %}

affected as (

    select posting_key from {{ this }} where closed_on is null
    union
    select posting_key from all_sightings where ingest_date > date '{{ as_of_built_through("last_seen") }}'

),

sightings as (

    select * from all_sightings
    where posting_key in (select posting_key from affected)

),

{% else %}

sightings as (

    select * from all_sightings

),

{% endif %}

scope_days as (

    -- every day a scope was scraped or seen; complete when a complete scrape listed it that day
    select scope, ingest_date, bool_or(complete) as complete, bool_or(lists_whole_board) as lists_whole_board
    from (
        select scope, ingest_date, complete, lists_whole_board from {{ ref('stg_silver__scrapes') }}
        union all
        select scope, ingest_date, false, lists_whole_board from all_sightings where scope is not null
    )
    group by 1, 2

),

numbered as (

    select
        *,
        -- complete scrapes of the scope up to and including the day
        sum(case when complete then 1 else 0 end) over (
            partition by scope order by ingest_date rows between unbounded preceding and current row
        ) as complete_through,
        case when lists_whole_board then 1 else cast({{ var('close_after_days') }} as integer) end as closing_scrapes

    from scope_days

),

scope_closes as (

    -- a posting seen through the scope on ingest_date and not again closes on this day
    select numbered.scope, numbered.ingest_date, later.ingest_date as closes_on
    from numbered
    inner join numbered as later
        on later.scope = numbered.scope
        and later.complete
        and later.complete_through = numbered.complete_through + numbered.closing_scrapes

),

daily as (

    select
        sightings.posting_key,
        sightings.ingest_date,
        -- closed once every scope it was seen through that day has closed it; never with an unknown scope
        case when count(*) = count(scope_closes.closes_on) then max(scope_closes.closes_on) end as closes_if_unseen

    from sightings
    left join scope_closes using (scope, ingest_date)
    group by 1, 2

),

gaps as (

    select
        *,
        lead(ingest_date) over (partition by posting_key order by ingest_date) is null as is_last_sighting,
        coalesce(
            closes_if_unseen < lead(ingest_date) over (partition by posting_key order by ingest_date), false
        ) as closed_before_next

    from daily

),

starts as (

    select
        *,
        coalesce(lag(closed_before_next) over (partition by posting_key order by ingest_date), true) as starts_episode

    from gaps

),

numbered_sightings as (

    select
        *,
        sum(case when starts_episode then 1 else 0 end) over (
            partition by posting_key order by ingest_date rows between unbounded preceding and current row
        ) as episode

    from starts

),

episodes as (

    select
        posting_key,
        cast(episode as integer) as episode,
        min(ingest_date) as opened_on,
        max(ingest_date) as last_seen,
        -- the episode's last sighting decides: it closed then (a later episode follows), or it is open still
        max(closes_if_unseen) filter (where closed_before_next or is_last_sighting) as closed_on,
        cast(count(*) as integer) as days_seen

    from numbered_sightings
    group by 1, 2

)

select * from episodes
