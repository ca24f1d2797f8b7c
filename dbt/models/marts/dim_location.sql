with

postings as (

    select * from {{ ref('fct_job_postings') }}
    where location_key is not null

),

countries as (

    select * from {{ ref('iso_countries') }}

),

spellings as (

    select
        location_key,
        nullif(trim(city), '') as city,
        nullif(trim(region), '') as region,
        country_code,
        count(*) as postings

    from postings
    group by all

),

named as (

    -- "Berlin" and "berlin " are one location, shown under its most frequent spelling
    select
        location_key,
        arg_max({'city': city, 'region': region, 'country_code': country_code},
                (postings, coalesce(city, ''), coalesce(region, ''))) as spelling

    from spellings
    group by 1

),

locations as (

    select
        location_key,
        count(*) as postings,
        count(*) filter (where is_remote) as remote_postings

    from postings
    group by 1

),

final as (

    select
        locations.location_key,
        named.spelling.city as city,
        named.spelling.region as region,
        named.spelling.country_code as country_code,
        countries.country,
        locations.postings,
        locations.remote_postings

    from locations
    inner join named using (location_key)
    left join countries on countries.country_code = named.spelling.country_code

)

select * from final
