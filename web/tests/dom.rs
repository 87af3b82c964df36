//! Component tests in headless Chromium: the real App mounted into the test page.
#![cfg(target_arch = "wasm32")]
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn doc() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Each test mounts its own App into its own root; queries stay inside it (tests share a page).
struct Mounted {
    root: web_sys::Element,
    app: Option<yew::AppHandle<mqplay_web::App>>,
}

impl Mounted {
    fn query(&self, selector: &str) -> Option<web_sys::Element> {
        self.root.query_selector(selector).ok().flatten()
    }
    fn count(&self, selector: &str) -> u32 {
        self.root.query_selector_all(selector).map(|l| l.length()).unwrap_or(0)
    }
    fn text(&self, selector: &str) -> String {
        self.query(selector).and_then(|e| e.text_content()).unwrap_or_default()
    }
    fn click(&self, selector: &str) {
        let el: web_sys::HtmlElement = self
            .query(selector)
            .unwrap_or_else(|| panic!("{selector} missing"))
            .dyn_into()
            .unwrap();
        el.click();
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        self.root.remove();
    }
}

/// Yew renders asynchronously: poll for a condition, up to about 5 s.
async fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    for _ in 0..500 {
        if ok() {
            return;
        }
        TimeoutFuture::new(10).await;
    }
    panic!("timed out waiting for {what}");
}

async fn mount() -> Mounted {
    let root = doc().create_element("div").unwrap();
    doc().body().unwrap().append_child(&root).unwrap();
    let app = mqplay_web::mount(root.clone());
    let m = Mounted { root, app: Some(app) };
    wait_for("the diagram", || m.query("svg.diagram").is_some()).await;
    m
}

#[wasm_bindgen_test]
async fn diagram_controls_and_log_work_together() {
    let m = mount().await;
    // Three brokers and three partition lanes for the default scenario.
    assert_eq!(m.count("svg.diagram .broker"), 3);
    assert_eq!(m.count("svg.diagram .lane"), 3);
    // It opens paused (a calm first screen); play, pause, then step by hand.
    assert!(
        m.text("#btn-play").contains("Play") || m.text("#btn-play").contains("播放"),
        "the page must not start playing on its own"
    );
    m.click("#btn-play");
    wait_for("the pause button", || {
        m.text("#btn-play").contains("Pause") || m.text("#btn-play").contains("暂停")
    })
    .await;
    m.click("#btn-play");
    wait_for("paused", || {
        m.text("#btn-play").contains("Play") || m.text("#btn-play").contains("播放")
    })
    .await;
    let before = m.count("#event-log li");
    m.click("#btn-step");
    wait_for("a new log entry", || m.count("#event-log li") > before).await;
}

#[wasm_bindgen_test]
async fn produce_shows_the_key_as_text() {
    let m = mount().await;
    let input: web_sys::HtmlInputElement = m.query("#key-input").unwrap().dyn_into().unwrap();
    input.set_value("<b id=injected>bold</b>");
    input
        .dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    m.click("#btn-produce");
    wait_for("the produce sentence", || {
        m.text("#event-log").contains("<b id=injected>bold</b>")
    })
    .await;
    assert!(
        doc().query_selector("#injected").ok().flatten().is_none(),
        "the key must not become markup"
    );
}

#[wasm_bindgen_test]
async fn language_toggle_switches_every_label() {
    let m = mount().await;
    let english = m.text("#btn-reset").contains("Reset");
    m.click("#lang-toggle");
    wait_for("the other language", || {
        m.text("#btn-reset").contains("Reset") != english
    })
    .await;
    let now = m.text("#btn-reset");
    assert!(now.contains("Reset") || now.contains("重置"), "{now}");
    m.click("#lang-toggle");
    wait_for("the first language again", || {
        m.text("#btn-reset").contains("Reset") == english
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_ready_rabbitmq_scenario_draws_its_broker_and_the_tester_answers() {
    let m = mount().await;
    m.click("#example-rabbit-routing");
    wait_for("the broker view", || m.query("svg.rq-diagram").is_some()).await;
    assert_eq!(m.count("svg.rq-diagram .rq-queue"), 4);
    assert_eq!(m.count("svg.rq-diagram .rq-binding"), 5);
    for _ in 0..4 {
        m.click("#btn-step");
        TimeoutFuture::new(30).await;
    }
    wait_for("a routed publish in the log", || {
        m.text("#event-log").contains("publish #")
    })
    .await;
    let select: web_sys::HtmlSelectElement = m.query("#rq-try-exchange").unwrap().dyn_into().unwrap();
    select.set_value("docs");
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    TimeoutFuture::new(50).await; // the panel renders with the exchange chosen
    let headers: web_sys::HtmlInputElement = m.query("#rq-try-headers").unwrap().dyn_into().unwrap();
    headers.set_value("format=pdf, type=report");
    headers
        .dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    wait_for("the tester's answer", || {
        m.text("#rq-trial-queues").contains("pdf-reports")
    })
    .await;
    assert!(m.text(".rq-trial").contains("format=pdf ✓"), "{}", m.text(".rq-trial"));
}

#[wasm_bindgen_test]
async fn a_ready_timer_scenario_draws_a_dial_per_wheel_and_the_buckets_fill() {
    let m = mount().await;
    m.click("#example-delay-kafka-purgatory");
    wait_for("the dial", || m.query("svg.dial").is_some()).await;
    assert_eq!(m.count("svg.dial"), 1);
    for _ in 0..3 {
        m.click("#btn-step");
        TimeoutFuture::new(30).await;
    }
    wait_for("three levels", || m.count("#wheel-purgatory g.ring") == 3).await;
    assert_eq!(m.count("#wheel-purgatory g.bucket"), 3);
    assert!(
        m.text("#event-log").contains("overflow wheel"),
        "{}",
        m.text("#event-log")
    );
}
