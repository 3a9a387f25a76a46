mod placeholder {}
mod common;
mod loyalty;
mod wallet;
