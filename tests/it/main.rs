mod placeholder {}
mod lifecycle;
