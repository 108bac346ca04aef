from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'receipt.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_title = missing
    pass
    parent_template = environment.get_template('_layout.html', 'receipt.html')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    l_0_title = 'Your receipt'
    context.vars['title'] = l_0_title
    context.exported_vars.add('title')
    yield from parent_template.root_render_func(context)

def block_body(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_order = resolve('order')
    l_0_reference = resolve('reference')
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_2 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    pass
    yield '<h1 style="margin:0 0 8px;font-size:22px;">Thank you for your order'
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'customer_name'):
        pass
        yield ', '
        yield escape(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'customer_name'))
    yield '!</h1>\n<p style="margin:0;color:#5b6275;">Order '
    yield escape((undefined(name='reference') if l_0_reference is missing else l_0_reference))
    yield '</p>\n'
    template = environment.get_template('_items.html', 'receipt.html')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    for l_1_item in environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'items'):
        l_1_shop = resolve('shop')
        l_1_f = missing
        _loop_vars = {}
        pass
        l_1_f = environment.getattr(l_1_item, 'fulfillment')
        _loop_vars['f'] = l_1_f
        if ((environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'type') == 'download') and environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'url')):
            pass
            yield '<p><a href="'
            yield escape(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'url'))
            yield '" style="display:inline-block;background:'
            yield escape(environment.getattr((undefined(name='shop') if l_1_shop is missing else l_1_shop), 'accent'))
            yield ';color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none;">Download '
            yield escape(environment.getattr(l_1_item, 'description'))
            yield '</a></p>\n'
        elif (environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'type') == 'ticket'):
            pass
            yield '<p>Your ticket'
            yield escape(('s' if (t_2(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'codes')) > 1) else cond_expr_undefined("the inline if-expression on line 12 in 'receipt.html' evaluated to false and no else section was defined.")))
            yield ' for '
            yield escape(environment.getattr(l_1_item, 'description'))
            yield ': <strong>'
            yield escape(t_1(context.eval_ctx, environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'codes'), ', '))
            yield '</strong></p>\n'
        elif (environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'type') == 'subscription'):
            pass
            yield '<p>Your membership is active.'
            if environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'access_url'):
                pass
                yield ' <a href="'
                yield escape(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'access_url'))
                yield '">Sign in here</a>.'
            yield '</p>\n'
        elif (environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'type') == 'shipment'):
            pass
            yield '<p>We will ship '
            yield escape(environment.getattr(l_1_item, 'description'))
            yield ' to the address below and email you when it leaves.</p>\n'
    l_1_item = l_1_f = l_1_shop = missing
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'):
        pass
        yield '<p style="margin:16px 0 0;"><strong>Shipping to</strong><br>'
        yield escape(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'name'))
        yield '<br>'
        yield escape(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'line1'))
        if environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'line2'):
            pass
            yield ', '
            yield escape(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'line2'))
        yield '<br>'
        yield escape(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'postal_code'))
        yield ' '
        yield escape(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'city'))
        yield ', '
        yield escape(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'country'))
        yield '</p>\n'

blocks = {'body': block_body}
debug_info = '1=13&2=16&3=21&4=44&5=49&6=51&7=57&8=62&9=64&10=67&11=73&12=76&13=82&14=85&15=91&16=94&19=97&20=100'