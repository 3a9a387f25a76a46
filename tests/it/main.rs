mod placeholder {}
mod common;
mod loyalty;
