fn main() {
    yew::Renderer::<mqplay_web::App>::new().render();
}
