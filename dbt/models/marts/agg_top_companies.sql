with

companies as (

    select * from {{ ref('dim_company') }}

),

postings as (

    select * from {{ ref('fct_job_postings') }}
    where company_key is not null

),

last_day as (

    select max(posted_date) as last_day from {{ ref('fct_job_postings') }}

),

activity as (

    select
        postings.company_key,
        count(*) filter (where postings.posted_date > last_day.last_day - 7) as postings_7d,
        count(*) filter (where postings.posted_date > last_day.last_day - 28) as postings_28d,
        count(distinct postings.country_code) as countries,
        count(postings.salary_annual_usd_mid) as postings_with_salary,
        median(postings.salary_annual_usd_mid) as median_salary_annual_usd

    from postings
    cross join last_day
    group by 1

),

company_skills as (

    select postings.company_key, skills.skill, count(*) as postings
    from postings
    inner join {{ ref('bridge_job_skill') }} as bridge using (job_id)
    inner join {{ ref('dim_skill') }} as skills using (skill_key)
    group by 1, 2

),

top_skills as (

    select
        company_key,
        -- the company's five most asked-for skills, ties by name
        list(skill order by postings desc, skill)[1:5] as top_skills

    from company_skills
    group by 1

),

ranked as (

    select
        row_number() over (order by companies.postings desc, companies.company, companies.company_key) as company_rank,
        companies.company_key,
        companies.company,
        companies.postings,
        companies.remote_postings,
        activity.postings_7d,
        activity.postings_28d,
        activity.countries,
        activity.postings_with_salary,
        activity.median_salary_annual_usd,
        coalesce(top_skills.top_skills, []) as top_skills,
        companies.sources

    from companies
    inner join activity using (company_key)
    left join top_skills using (company_key)

)

select * from ranked
where company_rank <= {{ var('top_companies_limit') | int }}
