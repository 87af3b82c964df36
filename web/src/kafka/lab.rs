//! The assignor lab: the learner types topics (partition counts, replica racks) and members
//! (subscriptions, `group.instance.id`, `client.rack`, owned partitions and generation), or
//! starts from a preset or the group on the page, and sees Kafka's four client assignors side
//! by side with a sentence per partition. The store asks the core
//! (`mqplay_core::kafka::assignor::document`, the code `mqplay assign` and the group leader
//! run); this component only edits the form and shows the answer.
use std::rc::Rc;

use mqplay_core::kafka::assignor::document::{field_label, LabForm, LabMember, LabTopic, PRESETS};
use mqplay_core::kafka::view::KafkaView;
use mqplay_core::Lang;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::Intent;
use crate::i18n::t;
use crate::shell::dialog::Dialog;
use crate::state::{LabOutcome, Msg};

#[derive(Properties, PartialEq)]
pub struct LabProps {
    pub lang: Lang,
    pub view: Rc<KafkaView>,
    pub outcome: Option<Rc<LabOutcome>>,
    pub on: Callback<Msg>,
}

/// The form the lab opens with: the first preset.
fn first_preset() -> LabForm {
    PRESETS
        .first()
        .and_then(|(_, _, text)| mqplay_core::kafka::assignor::document::AssignDocument::from_json(text).ok())
        .map(|d| LabForm::of(&d))
        .unwrap_or_default()
}

/// The group on the page as a lab form: its members with what they own now and their
/// generation, the topics with their brokers' racks.
pub fn form_of_view(view: &KafkaView) -> LabForm {
    let group = view.consumers.first().map(|c| c.group.clone()).unwrap_or_default();
    let rack_of = |broker: u32| {
        view.brokers
            .iter()
            .find(|b| b.id == broker)
            .and_then(|b| b.rack.clone())
    };
    LabForm {
        topics: view
            .topics
            .iter()
            .map(|t| {
                let racks: Vec<String> = t
                    .partitions
                    .iter()
                    .map(|p| rack_of(p.replica).unwrap_or_default())
                    .collect();
                LabTopic {
                    name: t.name.clone(),
                    partitions: t.partitions.len().to_string(),
                    racks: if racks.iter().all(String::is_empty) {
                        String::new()
                    } else {
                        racks.join(" | ")
                    },
                }
            })
            .collect(),
        members: view
            .consumers
            .iter()
            .filter(|c| c.group == group && c.member_id.is_some())
            .map(|c| LabMember {
                id: c.member_id.clone().unwrap_or_default(),
                topics: c.topics.join(", "),
                rack: c.rack.clone().unwrap_or_default(),
                instance: c.instance.clone().unwrap_or_default(),
                owned: c.assigned.join(" "),
                generation: if c.generation > 0 {
                    c.generation.to_string()
                } else {
                    String::new()
                },
            })
            .collect(),
    }
}

#[function_component(AssignorLab)]
pub fn assignor_lab(p: &LabProps) -> Html {
    let lang = p.lang;
    let open = use_state(|| false);
    let form = use_state(first_preset);
    // Which preset the form still is (none once edited or taken from the page).
    let preset = use_state(|| Some(0usize));
    let ask = {
        let on = p.on.clone();
        move |f: LabForm| on.emit(Msg::Kafka(Intent::Assign(f)))
    };
    let open_lab = {
        let (open, form, ask) = (open.clone(), form.clone(), ask.clone());
        Callback::from(move |_: MouseEvent| {
            open.set(true);
            ask((*form).clone());
        })
    };
    let close = {
        let open = open.clone();
        Callback::from(move |_| open.set(false))
    };
    let set = {
        let (form, ask, preset) = (form.clone(), ask.clone(), preset.clone());
        Rc::new(move |f: LabForm| {
            preset.set(None);
            form.set(f.clone());
            ask(f);
        })
    };
    let button = html! {
        <section class="panel lab-entry" aria-labelledby="lab-entry-title">
            <h2 id="lab-entry-title">{ t(lang, "lab.title") }</h2>
            <p class="muted small">{ t(lang, "lab.entry") }</p>
            <button id="btn-assignor-lab" onclick={open_lab}>{ t(lang, "lab.open") }</button>
        </section>
    };
    if !*open {
        return button;
    }
    let on_preset = {
        let (form, ask, preset) = (form.clone(), ask.clone(), preset.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            let Ok(i) = value.parse::<usize>() else { return };
            if let Some((_, _, text)) = PRESETS.get(i) {
                if let Ok(doc) = mqplay_core::kafka::assignor::document::AssignDocument::from_json(text) {
                    let f = LabForm::of(&doc);
                    preset.set(Some(i));
                    form.set(f.clone());
                    ask(f);
                }
            }
        })
    };
    let use_group = {
        let (set, view) = (set.clone(), p.view.clone());
        Callback::from(move |_: MouseEvent| set(form_of_view(&view)))
    };
    let custom = preset
        .is_none()
        .then(|| html! { <option value="" selected=true>{ t(lang, "lab.custom") }</option> });
    let presets = PRESETS.iter().enumerate().map(|(i, (en, zh, _))| {
        let label = if lang == Lang::Zh { *zh } else { *en };
        html! { <option value={i.to_string()} selected={*preset == Some(i)}>{ label }</option> }
    });
    // Every cell edits one field of the form; `apply` writes the typed text into it.
    let edit = |apply: fn(&mut LabForm, usize, String), i: usize| {
        let (set, form) = (set.clone(), form.clone());
        Callback::from(move |e: InputEvent| {
            let mut f = (*form).clone();
            apply(&mut f, i, e.target_unchecked_into::<HtmlInputElement>().value());
            set(f);
        })
    };
    let remove = |drop_row: fn(&mut LabForm, usize), i: usize| {
        let (set, form) = (set.clone(), form.clone());
        Callback::from(move |_: MouseEvent| {
            let mut f = (*form).clone();
            drop_row(&mut f, i);
            set(f);
        })
    };
    let cell =
        |what: &'static str, i: usize, name: &str, label: &'static str, value: &str, oninput: Callback<InputEvent>| {
            let aria = format!("{} {} · {}", t(lang, what), i + 1, t(lang, label));
            let id = format!("{}-{i}-{name}", what.replace('.', "-"));
            html! { <td><input id={id} aria-label={aria} value={value.to_string()} oninput={oninput} /></td> }
        };
    let remove_cell = |what: &'static str, i: usize, onclick: Callback<MouseEvent>| {
        let aria = format!("{} {} {}", t(lang, "lab.remove"), t(lang, what), i + 1);
        html! { <td><button class="mini" onclick={onclick} aria-label={aria}>{ "×" }</button></td> }
    };
    type Apply = fn(&mut LabForm, usize, String);
    let topic_fields: [(&str, &'static str, Apply); 3] = [
        ("name", "lab.name", |f, i, v| f.topics[i].name = v),
        ("partitions", "lab.partitions", |f, i, v| f.topics[i].partitions = v),
        ("racks", "lab.racks", |f, i, v| f.topics[i].racks = v),
    ];
    let topic_rows = form.topics.iter().enumerate().map(|(i, row)| {
        let values = [&row.name, &row.partitions, &row.racks];
        let cells = topic_fields
            .iter()
            .zip(values)
            .map(|((name, label, apply), value)| cell("lab.topic", i, name, label, value, edit(*apply, i)));
        html! {
            <tr>
                { for cells }
                { remove_cell("lab.topic", i, remove(|f, i| { f.topics.remove(i); }, i)) }
            </tr>
        }
    });
    let member_fields: [(&str, &'static str, Apply); 6] = [
        ("id", "lab.member_id", |f, i, v| f.members[i].id = v),
        ("topics", "lab.topics", |f, i, v| f.members[i].topics = v),
        ("instance", "lab.instance", |f, i, v| f.members[i].instance = v),
        ("rack", "lab.rack", |f, i, v| f.members[i].rack = v),
        ("owned", "lab.owned", |f, i, v| f.members[i].owned = v),
        ("generation", "lab.generation", |f, i, v| f.members[i].generation = v),
    ];
    let member_rows = form.members.iter().enumerate().map(|(i, row)| {
        let values = [
            &row.id,
            &row.topics,
            &row.instance,
            &row.rack,
            &row.owned,
            &row.generation,
        ];
        let cells = member_fields
            .iter()
            .zip(values)
            .map(|((name, label, apply), value)| cell("lab.member", i, name, label, value, edit(*apply, i)));
        html! {
            <tr>
                { for cells }
                { remove_cell("lab.member", i, remove(|f, i| { f.members.remove(i); }, i)) }
            </tr>
        }
    });
    let add_topic = {
        let (set, form) = (set.clone(), form.clone());
        Callback::from(move |_: MouseEvent| {
            let mut f = (*form).clone();
            let n = f.topics.len() + 1;
            f.topics.push(LabTopic {
                name: format!("topic-{n}"),
                partitions: "3".into(),
                racks: String::new(),
            });
            set(f);
        })
    };
    let add_member = {
        let (set, form) = (set.clone(), form.clone());
        Callback::from(move |_: MouseEvent| {
            let mut f = (*form).clone();
            let n = f.members.len() + 1;
            let topics = f.topics.first().map(|t| t.name.clone()).unwrap_or_default();
            f.members.push(LabMember {
                id: format!("consumer-{n}"),
                topics,
                ..LabMember::default()
            });
            set(f);
        })
    };
    let result = p.outcome.as_ref().map(|o| columns(lang, o));
    html! {
        <>
            { button }
            <Dialog id="assignor-lab" title={t(lang, "lab.title")} on_close={close}>
                <p class="muted small">{ t(lang, "lab.intro") }</p>
                <div class="row lab-start">
                    <label for="lab-preset">{ t(lang, "lab.preset") }</label>
                    <select id="lab-preset" onchange={on_preset}>{ for custom }{ for presets }</select>
                    <button id="lab-use-group" onclick={use_group} disabled={p.view.consumers.iter().all(|c| c.member_id.is_none())}>{ t(lang, "lab.use_group") }</button>
                </div>
                <div class="lab-form">
                    <table class="lab-table" aria-label={t(lang, "lab.topics_title")}>
                        <caption>{ t(lang, "lab.topics_title") }</caption>
                        <thead><tr><th scope="col">{ t(lang, "lab.name") }</th><th scope="col">{ t(lang, "lab.partitions") }</th><th scope="col">{ t(lang, "lab.racks") }</th><th></th></tr></thead>
                        <tbody>{ for topic_rows }</tbody>
                    </table>
                    <button id="lab-add-topic" class="mini" onclick={add_topic}>{ "+ " }{ t(lang, "lab.add_topic") }</button>
                    <table class="lab-table" aria-label={t(lang, "lab.members_title")}>
                        <caption>{ t(lang, "lab.members_title") }</caption>
                        <thead><tr>
                            <th scope="col">{ t(lang, "lab.member_id") }</th><th scope="col">{ t(lang, "lab.topics") }</th>
                            <th scope="col">{ t(lang, "lab.instance") }</th><th scope="col">{ t(lang, "lab.rack") }</th>
                            <th scope="col">{ t(lang, "lab.owned") }</th><th scope="col">{ t(lang, "lab.generation") }</th><th></th>
                        </tr></thead>
                        <tbody>{ for member_rows }</tbody>
                    </table>
                    <button id="lab-add-member" class="mini" onclick={add_member}>{ "+ " }{ t(lang, "lab.add_member") }</button>
                    <p class="muted small">{ t(lang, "lab.hint") }</p>
                </div>
                { for result }
            </Dialog>
        </>
    }
}

/// The four assignors side by side, or what is wrong with the form.
fn columns(lang: Lang, o: &LabOutcome) -> Html {
    if !o.errors.is_empty() {
        let items = o
            .errors
            .iter()
            .map(|e| html! { <li>{ format!("{}: {}", field_label(&e.path, lang), e.reason) }</li> });
        return html! { <ul class="bad" role="alert" id="lab-errors">{ for items }</ul> };
    }
    let owned_by = |member: &str, topic: &str, p: u32| {
        o.input
            .members
            .iter()
            .find(|m| m.member_id == member)
            .is_some_and(|m| m.owned.iter().any(|(t, q)| t == topic && *q == p))
    };
    let cols = o.reports.iter().map(|(assignor, report)| {
        let body = match (&report.assignment, &report.error) {
            (_, Some(e)) => html! { <p class="bad">{ e.clone() }</p> },
            (Some(assignment), None) => {
                let rows = assignment.iter().map(|(member, by_topic)| {
                    let chips = by_topic.iter().flat_map(|(topic, ps)| {
                        ps.iter().map(move |p| {
                            let kept = owned_by(member, topic, *p);
                            let class = classes!("lab-chip", if kept { "kept" } else { "fresh" });
                            html! { <span class={class} title={if kept { t(lang, "lab.kept") } else { t(lang, "lab.fresh") }}>{ format!("{topic}-{p}") }</span> }
                        })
                    });
                    let revoked = report.revoked.as_ref().and_then(|r| r.get(member)).map(|by_topic| {
                        let chips = by_topic
                            .iter()
                            .flat_map(|(topic, ps)| ps.iter().map(move |p| html! { <span class="lab-chip revoked" title={t(lang, "lab.revoked")}>{ format!("{topic}-{p}") }</span> }));
                        html! { <>{ for chips }</> }
                    });
                    let count: usize = by_topic.values().map(Vec::len).sum();
                    html! {
                        <li>
                            <strong>{ member.clone() }</strong><span class="muted small">{ format!(" ({count})") }</span>
                            <div class="lab-chips">{ for chips }{ for revoked }</div>
                        </li>
                    }
                });
                let summary = report.summary.map(|s| {
                    html! {
                        <p class="small lab-summary">{ format!("{} {}–{} · {} {} · {} {}", t(lang, "lab.per_member"), s.min, s.max, t(lang, "lab.kept_n"), s.kept, t(lang, "lab.moved_n"), s.moved) }</p>
                    }
                });
                let why = report.why.iter().map(|w| html! { <li>{ w.clone() }</li> });
                html! {
                    <>
                        { for summary }
                        <ul class="lab-members">{ for rows }</ul>
                        <details><summary>{ t(lang, "lab.why") }</summary><ul class="small">{ for why }</ul></details>
                    </>
                }
            }
            (None, None) => html! {},
        };
        html! {
            <section class="lab-column" id={format!("lab-col-{}", assignor.name())} aria-label={assignor.name()}>
                <h3>{ assignor.name() }</h3>
                { body }
            </section>
        }
    });
    html! {
        <div class="lab-columns" role="status">{ for cols }</div>
    }
}
