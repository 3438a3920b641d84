// placeholder: being written (softbus/wire/frame.h)
