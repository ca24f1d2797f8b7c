with

postings as (

    select * from {{ ref('fct_job_postings') }}
    where company_key is not null

),

spellings as (

    select company_key, trim(company) as company, count(*) as postings
    from postings
    group by 1, 2

),

named as (

    -- "ACME GmbH" and "Acme GmbH " are one company, shown under its most frequent spelling
    select company_key, arg_max(company, (postings, company)) as company
    from spellings
    group by 1

),

companies as (

    select
        company_key,
        count(*) as postings,
        count(*) filter (where is_remote) as remote_postings,
        list_sort(list(distinct source)) as sources,
        min(first_seen_date) as first_seen,
        max(ingest_date) as last_seen

    from postings
    group by 1

),

final as (

    select
        companies.company_key,
        named.company,
        companies.postings,
        companies.remote_postings,
        companies.sources,
        companies.first_seen,
        companies.last_seen

    from companies
    inner join named using (company_key)

)

select * from final
