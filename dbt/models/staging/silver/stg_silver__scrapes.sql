{%- set scrapes = source('silver', 'scrapes') -%}

with

{% if silver_scrapes_exist() %}

source as (

    select * from {{ scrapes }}

),

{% else %}

source as (

    -- no silver/scrapes partition yet: no scrape is known, so nothing closes
    select
        cast(null as date) as ingest_date, cast(null as varchar) as source, cast(null as varchar) as board,
        cast(null as boolean) as lists_whole_board, cast(null as boolean) as complete,
        cast(null as integer) as attempts, cast(null as bigint) as records, cast(null as bigint) as postings,
        cast(null as varchar[]) as job_ids
    where false

),

{% endif %}

renamed as (

    select

        ----------  ids
        cast(source as varchar) as source,
        cast(board as varchar) as board,
        -- what a posting's closing is counted against: its board (a board API) or its source (a search API)
        case when board is null then cast(source as varchar) else concat(source, ' ', board) end as scope,
        cast(job_ids as varchar[]) as job_ids,

        ----------  booleans
        cast(lists_whole_board as boolean) as lists_whole_board,
        cast(complete as boolean) as complete,

        ----------  numerics
        cast(attempts as integer) as attempts,
        cast(records as bigint) as records,
        cast(postings as bigint) as postings,

        ----------  dates
        cast(ingest_date as date) as ingest_date

    from source

    {{ as_of_filter('ingest_date') }}

)

select * from renamed
