from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'merchant_order.subject.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_reference = resolve('reference')
    l_0_order = resolve('order')
    try:
        t_1 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    pass
    yield 'New order '
    yield str((undefined(name='reference') if l_0_reference is missing else l_0_reference))
    yield ': '
    yield str(t_1(context, environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'amount_total'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
    yield ' from '
    yield str((environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'customer_email') or 'a customer'))
    yield '\n'

blocks = {}
debug_info = '1=20'