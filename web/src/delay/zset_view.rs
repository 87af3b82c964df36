//! The Redis delay queue: the sorted set in Redis's order (score, then member bytes) with how
//! far each member is from due, the pollers with their loop state and ZREM wins and losses, and
//! what became of every member (published when, how late, by whom, races lost).
use mqplay_core::delay::view::{PollerView, RedisView};
use mqplay_core::delay::zset::Claim;
use mqplay_core::Lang;
use yew::prelude::*;

use super::Intent;
use crate::i18n::{t, t1};
use crate::shell::on_click;
use crate::state::Msg;

pub fn redis(r: &RedisView, now_ms: u64, lang: Lang, on: &Callback<Msg>) -> Html {
    let claim = |p: &PollerView| match (p.claim, p.lease_ms) {
        (Claim::Zrem, _) => "ZRANGEBYSCORE + ZREM".to_string(),
        (Claim::Lua, _) => "EVAL (Lua)".to_string(),
        (Claim::Lease, lease) => t1(lang, "dl.redis.lease", lease.unwrap_or(0)),
    };
    let state = |s: &str| match s {
        "ranging" => t(lang, "dl.redis.ranging"),
        "claiming" => t(lang, "dl.redis.claiming"),
        "publishing" => t(lang, "dl.redis.publishing"),
        "down" => t(lang, "dl.redis.down"),
        _ => t(lang, "dl.redis.sleeping"),
    };
    html! {
        <div class="redis-lab" id="redis-lab">
            <div class="redis-set">
                <h3>{ format!("ZSET {}", r.key) }<span class="muted small">{ format!(" · ZCARD {}", r.set_size) }</span></h3>
                if r.set.is_empty() {
                    <p class="muted small">{ t(lang, "dl.redis.empty") }</p>
                } else {
                    <ol class="zset" aria-label={t(lang, "dl.redis.set_label")}>
                        { for r.set.iter().take(30).map(|(member, score)| {
                            let due = *score <= now_ms as i64;
                            html! {
                                <li class={classes!("zset-member", due.then_some("due"))}>
                                    <span class="score">{ score }</span>
                                    <span class="member">{ member }</span>
                                    <span class="muted small">{ if due { t(lang, "dl.redis.due").to_string() } else { t1(lang, "dl.redis.due_in", score - now_ms as i64) } }</span>
                                </li>
                            }
                        }) }
                    </ol>
                }
            </div>
            <div class="pollers">
                { for r.pollers.iter().map(|p| html! {
                    <div class={classes!("poller", p.state)} id={format!("poller-{}", p.name)}>
                        <strong>{ &p.name }</strong>
                        <span class="muted small">{ format!(" {} · {} ms · LIMIT {}", claim(p), p.interval_ms, p.limit) }</span>
                        if p.publish_ms > 0 {
                            <span class="muted small">{ t1(lang, "dl.redis.publish_ms", p.publish_ms) }</span>
                        }
                        <div class="small">{ state(p.state) }
                            if p.state == "down" {
                                <button class="small" id={format!("restart-{}", p.name)} onclick={on_click(on, Msg::Delay(Intent::Restart(p.name.clone())))}>{ t(lang, "dl.redis.restart") }</button>
                            } else {
                                <button class="small" id={format!("crash-{}", p.name)} onclick={on_click(on, Msg::Delay(Intent::Crash(p.name.clone())))}>{ t(lang, "dl.redis.crash") }</button>
                            }
                        </div>
                        <dl class="facts">
                            <dt>{ t(lang, "dl.redis.polls") }</dt><dd>{ format!("{} ({} {})", p.polls, p.empty_polls, t(lang, "dl.redis.empty_polls")) }</dd>
                            <dt>{ t(lang, "dl.redis.won") }</dt><dd>{ p.won }</dd>
                            <dt>{ t(lang, "dl.redis.lost") }</dt><dd>{ p.lost }</dd>
                            <dt>{ t(lang, "dl.redis.published") }</dt><dd>{ p.published }</dd>
                        </dl>
                    </div>
                }) }
            </div>
            <div class="task-table" role="region" tabindex="0" aria-labelledby="dl-members-title">
                <h3 id="dl-members-title">{ t(lang, "dl.redis.members") }</h3>
                <table>
                    <thead><tr>
                        <th scope="col">{ t(lang, "dl.redis.member") }</th>
                        <th scope="col">{ t(lang, "dl.col.added") }</th>
                        <th scope="col">{ t(lang, "dl.redis.score") }</th>
                        <th scope="col">{ t(lang, "dl.redis.claimed_by") }</th>
                        <th scope="col">{ t(lang, "dl.col.ran") }</th>
                        <th scope="col">{ t(lang, "dl.col.offset") }</th>
                        <th scope="col">{ t(lang, "dl.redis.lost") }</th>
                        <th scope="col">{ t(lang, "dl.redis.fate") }</th>
                    </tr></thead>
                    <tbody>
                        { for r.members.iter().take(60).map(|m| html! {
                            <tr class={classes!("member-row", m.late_ms.is_some_and(|l| l < 0).then_some("early"), (m.published > 0).then_some("ran"), m.lost.then_some("lost"))}>
                                <td>{ &m.member }</td>
                                <td>{ m.added_at_ms }</td>
                                <td>{ m.due_ms }</td>
                                <td>{ m.claimed_by.clone().unwrap_or_default() }</td>
                                <td>{ m.published_at_ms.map(|a| a.to_string()).unwrap_or_default() }</td>
                                <td>{ m.late_ms.map(|o| format!("{o:+}")).unwrap_or_default() }</td>
                                <td>{ m.lost_races }</td>
                                <td>{ if m.lost {
                                    t(lang, "dl.redis.fate_lost").to_string()
                                } else if m.published > 1 {
                                    t1(lang, "dl.redis.fate_twice", m.published)
                                } else if let (Some(until), 0) = (m.leased_until_ms, m.published) {
                                    t1(lang, "dl.redis.fate_leased", until)
                                } else {
                                    String::new()
                                } }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                <p class="small">
                    { format!("{}: {} · {}: {} · {}: {} · {}: {}", t(lang, "dl.redis.published"), r.published, t(lang, "dl.redis.early"), r.early,
                        t(lang, "dl.redis.max_late"), r.max_late_ms.map_or_else(|| "—".to_string(), |l| format!("{l} ms")),
                        t(lang, "dl.redis.lost_members"), r.lost) }
                </p>
            </div>
        </div>
    }
}
