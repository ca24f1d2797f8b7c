{#-
    One row per posting (posting_key) per day it was seen and the scope it was seen through: the board that listed
    it (a board API) or its source (a search API). A board-API posting whose board is not known (a day processed
    before silver/scrapes existed) has a null scope: it never closes.
-#}

with

jobs as (

    select * from {{ ref('stg_silver__jobs') }}

),

scrapes as (

    select * from {{ ref('stg_silver__scrapes') }}

),

board_listings as (

    select ingest_date, scope, unnest(job_ids) as job_id
    from scrapes
    where board is not null

),

kinds as (

    select source, bool_or(lists_whole_board) as lists_whole_board
    from scrapes
    where board is null
    group by 1

),

sightings as (

    select
        {{ posting_key('jobs.duplicate_group', 'jobs.job_id') }} as posting_key,
        jobs.ingest_date,
        case when coalesce(kinds.lists_whole_board, false) then board_listings.scope else jobs.source end as scope,
        coalesce(kinds.lists_whole_board, false) as lists_whole_board

    from jobs
    left join kinds using (source)
    left join board_listings
        on board_listings.ingest_date = jobs.ingest_date and board_listings.job_id = jobs.job_id

)

select distinct posting_key, ingest_date, scope, lists_whole_board
from sightings
