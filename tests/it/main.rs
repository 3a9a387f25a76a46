mod placeholder {}
mod calendar;
mod service;
